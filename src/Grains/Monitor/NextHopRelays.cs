using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Monitor;

/// <summary>
/// The running monitor relays of this silo's connections, one per connection (§6.9): the monitor element starts one
/// after each successful Request and stops it when the next Request or the Close begins. Their streams run outside the
/// connection grains (which only start and stop them, in their own turns); relays are memory only, so after a restart a
/// connection is relayed again from its next Request (the NSC's refresh).
/// </summary>
public sealed class NextHopRelays(IConnectionEventSink sink, ILogger<NextHopRelays> logger, INextHopMonitor? monitor = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, NextHopRelay> _relays = new(StringComparer.Ordinal);

    /// <summary>How many relays run now.</summary>
    public int Count => _relays.Count;

    /// <summary>
    /// Relays the next hop's events for <paramref name="published"/> (what the monitor element just published, in our
    /// coordinates, with our segment at its path index) from <paramref name="url"/>; replaces a running relay.
    /// </summary>
    public void Start(string node, string connectionId, string url, Connection published)
    {
        ArgumentNullException.ThrowIfNull(published);
        if (monitor is null || published.Path is not { } path || path.Index >= path.PathSegments.Count)
        {
            return;
        }

        var relay = NextHopRelay.Start(monitor, sink, logger, node, url, published);
        if (_relays.TryGetValue(Key(node, connectionId), out var previous))
        {
            previous.Dispose();
        }

        _relays[Key(node, connectionId)] = relay;
    }

    /// <summary>Stops the relay of the connection, if one runs; nothing of it is published afterwards.</summary>
    public void Stop(string node, string connectionId)
    {
        if (_relays.TryRemove(Key(node, connectionId), out var relay))
        {
            relay.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _relays.Keys)
        {
            if (_relays.TryRemove(key, out var relay))
            {
                relay.Dispose();
            }
        }
    }

    private static string Key(string node, string connectionId) => node + "/" + connectionId;
}
