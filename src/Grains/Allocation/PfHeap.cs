namespace SriovForwarder.Grains.Allocation;

/// <summary>An indexed 4-ary min-heap of PF indices by a 64-bit key, with in-place key updates and no allocation.</summary>
/// <remarks>Four children per node halve the depth of a binary heap; a key change walks at most log4(PFs) levels.</remarks>
internal sealed class PfHeap
{
    private const int Arity = 4;
    private readonly int[] _heap;
    private readonly long[] _keys;
    private readonly int[] _positions;

    public PfHeap(int pfCount)
    {
        _heap = new int[pfCount];
        _keys = new long[pfCount];
        _positions = new int[pfCount];
        Array.Fill(_positions, -1);
    }

    public int Count { get; private set; }

    /// <summary>The PF with the smallest key, or -1 when empty.</summary>
    public int Top => Count == 0 ? -1 : _heap[0];

    public bool Contains(int pf) => _positions[pf] >= 0;

    public long KeyOf(int pf) => _keys[pf];

    public void Set(int pf, long key)
    {
        var position = _positions[pf];
        if (position < 0)
        {
            _keys[pf] = key;
            position = Count++;
            _heap[position] = pf;
            _positions[pf] = position;
            SiftUp(position);
            return;
        }

        var old = _keys[pf];
        if (old == key)
        {
            return;
        }

        _keys[pf] = key;
        if (key < old)
        {
            SiftUp(position);
        }
        else
        {
            SiftDown(position);
        }
    }

    public void Remove(int pf)
    {
        var position = _positions[pf];
        if (position < 0)
        {
            return;
        }

        _positions[pf] = -1;
        var last = _heap[--Count];
        if (position == Count)
        {
            return;
        }

        _heap[position] = last;
        _positions[last] = position;
        SiftUp(position);
        SiftDown(_positions[last]);
    }

    /// <summary>Checks the heap property and the position index; used by invariant checks.</summary>
    public bool IsValid()
    {
        for (var i = 0; i < Count; i++)
        {
            if (_positions[_heap[i]] != i || (i > 0 && _keys[_heap[(i - 1) / Arity]] > _keys[_heap[i]]))
            {
                return false;
            }
        }

        return true;
    }

    private void SiftUp(int position)
    {
        var pf = _heap[position];
        var key = _keys[pf];
        while (position > 0)
        {
            var parent = (position - 1) / Arity;
            var parentPf = _heap[parent];
            if (_keys[parentPf] <= key)
            {
                break;
            }

            _heap[position] = parentPf;
            _positions[parentPf] = position;
            position = parent;
        }

        _heap[position] = pf;
        _positions[pf] = position;
    }

    private void SiftDown(int position)
    {
        var pf = _heap[position];
        var key = _keys[pf];
        while (true)
        {
            var first = (Arity * position) + 1;
            if (first >= Count)
            {
                break;
            }

            var child = first;
            var last = Math.Min(first + Arity, Count);
            for (var candidate = first + 1; candidate < last; candidate++)
            {
                if (_keys[_heap[candidate]] < _keys[_heap[child]])
                {
                    child = candidate;
                }
            }

            var childPf = _heap[child];
            if (_keys[childPf] >= key)
            {
                break;
            }

            _heap[position] = childPf;
            _positions[childPf] = position;
            position = child;
        }

        _heap[position] = pf;
        _positions[pf] = position;
    }
}
