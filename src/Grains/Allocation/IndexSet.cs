using System.Numerics;

namespace SriovForwarder.Grains.Allocation;

/// <summary>A set of small integers with O(log64 n) add, remove and minimum, and no allocation after construction.</summary>
/// <remarks>
/// A hierarchical bitmap: level 0 holds one bit per element, each higher level one bit per non-empty word of
/// the level below. Finding the minimum walks one word per level, so 16,384 elements cost three words.
/// </remarks>
internal sealed class IndexSet
{
    private readonly ulong[][] _levels;

    public IndexSet(int capacity)
    {
        var levels = new List<ulong[]>();
        var size = Math.Max(capacity, 1);
        do
        {
            size = (size + 63) >> 6;
            levels.Add(new ulong[size]);
        }
        while (size > 1);
        _levels = [.. levels];
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public bool Contains(int index) => (_levels[0][index >> 6] & (1UL << index)) != 0;

    public bool Add(int index)
    {
        if (Contains(index))
        {
            return false;
        }

        Count++;
        for (var level = 0; level < _levels.Length; level++)
        {
            ref var word = ref _levels[level][index >> 6];
            var wasEmpty = word == 0;
            word |= 1UL << index;
            if (!wasEmpty)
            {
                break;
            }

            index >>= 6;
        }

        return true;
    }

    public bool Remove(int index)
    {
        if (!Contains(index))
        {
            return false;
        }

        Count--;
        for (var level = 0; level < _levels.Length; level++)
        {
            ref var word = ref _levels[level][index >> 6];
            word &= ~(1UL << index);
            if (word != 0)
            {
                break;
            }

            index >>= 6;
        }

        return true;
    }

    /// <summary>The smallest element, or -1 when the set is empty.</summary>
    public int First()
    {
        if (Count == 0)
        {
            return -1;
        }

        var index = 0;
        for (var level = _levels.Length - 1; level >= 0; level--)
        {
            index = (index << 6) + BitOperations.TrailingZeroCount(_levels[level][index]);
        }

        return index;
    }
}
