using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Monitor;

/// <summary>
/// The running monitor relays of this silo's connections, one per connection (§6.9): the monitor element starts one
/// after each successful Request and stops it when the next Request or the Close begins. The relays of all connections
/// through one next hop share one <c>MonitorConnections</c> stream to it (<see cref="SharedNextHopStream"/>, decision 045,
/// which changed decision 031's stream per connection). The streams run outside the connection grains (which only start
/// and stop relays, in their own turns); relays are memory only, so after a restart a connection is relayed again from
/// its next Request (the NSC's refresh). A next hop that answered <c>UNIMPLEMENTED</c> is remembered and not asked again;
/// one that refused the shared selector (<c>PERMISSION_DENIED</c>) gets one stream per connection, as before.
/// </summary>
public sealed class NextHopRelays(IConnectionEventSink sink, ILogger<NextHopRelays> logger, INextHopMonitor? monitor = null, NextHopRelayOptions? options = null)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, NextHopRelay> _relays = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Url, string Name, string ConnectionId), SharedNextHopStream> _streams = [];
    private readonly HashSet<string> _notOffered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _perConnection = new(StringComparer.Ordinal);
    private readonly NextHopRelayOptions _options = options ?? new NextHopRelayOptions();
    private bool _disposed;

    /// <summary>How many relays run now.</summary>
    public int Count => _relays.Count;

    /// <summary>How many streams to next hops are open or lingering now (for tests).</summary>
    public int StreamCount
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

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

        Stop(node, connectionId);
        var own = path.PathSegments[(int)path.Index];
        NextHopRelay relay;
        lock (_gate)
        {
            if (_disposed || _notOffered.Contains(url))
            {
                return;
            }

            var stream = StreamFor(url, own.Name, own.Id);
            relay = new NextHopRelay(stream, sink, node, published);
            stream.Add(relay);
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

    /// <summary>Stops every relay and ends every stream at once (the forwarder stops: within its 2 s).</summary>
    public void Dispose()
    {
        List<SharedNextHopStream> streams;
        lock (_gate)
        {
            _disposed = true;
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var stream in streams)
        {
            stream.Dispose();
        }

        foreach (var key in _relays.Keys)
        {
            if (_relays.TryRemove(key, out var relay))
            {
                relay.Dispose();
            }
        }
    }

    /// <summary>The linger of <paramref name="stream"/> is over: it ends unless a relay joined meanwhile.</summary>
    internal void CloseIfIdle(SharedNextHopStream stream)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(Key(stream), out var current) || current != stream || !stream.TryCloseIdle())
            {
                return;
            }

            _streams.Remove(Key(stream));
        }

        StreamLog.Closed(logger, stream.Url);
        stream.Dispose();
    }

    /// <summary><paramref name="stream"/>'s next hop answered <c>UNIMPLEMENTED</c>: no stream to it again, logged once.</summary>
    internal void NotOffered(SharedNextHopStream stream)
    {
        bool first;
        lock (_gate)
        {
            first = _notOffered.Add(stream.Url);
            Forget(stream);
        }

        if (first)
        {
            StreamLog.NotOffered(logger, stream.Url);
        }

        stream.Dispose();
    }

    /// <summary>
    /// <paramref name="stream"/>'s next hop refused the shared selector: from now on each connection to it gets a stream
    /// of its own (decision 031's selector), starting with the relays that were on the shared one; logged once.
    /// </summary>
    internal void SharedRefused(SharedNextHopStream stream, string detail)
    {
        bool first;
        lock (_gate)
        {
            first = _perConnection.Add(stream.Url);
            Forget(stream);
            if (!_disposed)
            {
                foreach (var relay in stream.CloseAndTakeRelays())
                {
                    var own = StreamFor(stream.Url, stream.Name, relay.OwnId);
                    if (relay.MoveTo(own))
                    {
                        own.Add(relay);
                    }
                }
            }
        }

        if (first)
        {
            StreamLog.SharedRefused(logger, stream.Url, detail);
        }

        stream.Dispose();
    }

    // Under the gate: the stream that relays for our connection <paramref name="id"/> to <paramref name="url"/>, opened if need be.
    private SharedNextHopStream StreamFor(string url, string name, string id)
    {
        var key = (url, name, _perConnection.Contains(url) ? id : string.Empty);
        if (!_streams.TryGetValue(key, out var stream))
        {
            stream = new SharedNextHopStream(this, monitor!, logger, _options, url, name, key.Item3);
            _streams[key] = stream;
            stream.Start();
        }

        return stream;
    }

    // Under the gate.
    private void Forget(SharedNextHopStream stream)
    {
        if (_streams.TryGetValue(Key(stream), out var current) && current == stream)
        {
            _streams.Remove(Key(stream));
        }
    }

    private static (string, string, string) Key(SharedNextHopStream stream) => (stream.Url, stream.Name, stream.ConnectionId);

    private static string Key(string node, string connectionId) => node + "/" + connectionId;
}
