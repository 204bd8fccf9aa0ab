namespace SriovForwarder.Grains.Monitor;

/// <summary>
/// The publish order of the last event applied per connection, so that an event overtaken by a later one about the same
/// connection is recognised as stale. Deleted connections are remembered too (a late UPDATE must not revive them), and
/// forgotten once far behind: an event <see cref="Horizon"/> publishes older than the newest is not in flight any more.
/// </summary>
public sealed class ConnectionEventOrder
{
    /// <summary>How many publishes back an order is still remembered.</summary>
    public const long Horizon = 100_000;

    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private long _newest;

    /// <summary>Records <paramref name="order"/> for every connection; false, recording nothing, if any of them has seen a later one.</summary>
    public bool TryApply(IEnumerable<string> connectionIds, long order)
    {
        var ids = connectionIds.ToList();
        if (ids.Any(id => _last.TryGetValue(id, out var last) && last > order))
        {
            return false;
        }

        foreach (var id in ids)
        {
            _last[id] = order;
        }

        _newest = Math.Max(_newest, order);
        if (_last.Count > Horizon)
        {
            foreach (var id in _last.Where(entry => entry.Value < _newest - Horizon).Select(entry => entry.Key).ToList())
            {
                _last.Remove(id);
            }
        }

        return true;
    }
}
