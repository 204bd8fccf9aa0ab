using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Fleet;

/// <summary>
/// Every node's capacity per resource and driver, kept sorted best first (most available, then by name) and updated on
/// each report, so that FindNodes over a large fleet walks only the best candidates instead of every node: it stops at
/// the first node with too little or when it has enough. Nodes that can give nothing are not in the sorted sets (they
/// never match a count of at least 1) but still count as offering the resource.
/// </summary>
public sealed class FleetCapacityIndex
{
    private readonly Dictionary<string, FleetResourceIndex> _byResource = new(StringComparer.Ordinal);

    /// <summary>The resources at least one known node offers (live or not), in no order.</summary>
    public IEnumerable<string> ResourceNames => _byResource.Keys;

    /// <summary>Replaces what the index holds of <paramref name="node"/>: <paramref name="before"/> (null: nothing) by <paramref name="after"/>.</summary>
    public void Update(string node, IReadOnlyDictionary<string, NodeCapacity>? before, IReadOnlyDictionary<string, NodeCapacity> after)
    {
        ArgumentNullException.ThrowIfNull(after);
        foreach (var (name, capacity) in before ?? new Dictionary<string, NodeCapacity>())
        {
            if (after.TryGetValue(name, out var now) && now == capacity)
            {
                continue;
            }

            var resource = _byResource[name];
            resource.Remove(node, capacity);
            if (resource.IsEmpty)
            {
                _byResource.Remove(name);
            }
        }

        foreach (var (name, capacity) in after)
        {
            if (before is not null && before.TryGetValue(name, out var was) && was == capacity)
            {
                continue;
            }

            if (!_byResource.TryGetValue(name, out var resource))
            {
                _byResource[name] = resource = new FleetResourceIndex();
            }

            resource.Add(node, capacity);
        }
    }

    /// <summary>
    /// At most <paramref name="limit"/> nodes for which <paramref name="isLive"/> holds that can give at least
    /// <paramref name="count"/> of <paramref name="resourceName"/> (for <paramref name="driver"/>, or any), best first.
    /// </summary>
    public List<FleetMatch> Best(string resourceName, int count, VfDriver? driver, int limit, Func<string, bool> isLive)
    {
        ArgumentNullException.ThrowIfNull(isLive);
        var matches = new List<FleetMatch>();
        if (limit < 1 || !_byResource.TryGetValue(resourceName, out var resource))
        {
            return matches;
        }

        foreach (var match in resource.For(driver))
        {
            if (match.Available < count)
            {
                break;
            }

            if (isLive(match.Node))
            {
                matches.Add(match);
                if (matches.Count == limit)
                {
                    break;
                }
            }
        }

        return matches;
    }
}
