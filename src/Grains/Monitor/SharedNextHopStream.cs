using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Monitor;

/// <summary>
/// One <c>MonitorConnections</c> stream to a next hop for every connection of ours through it (decision 045): the selector
/// <c>{path_segments: [{name: our name}]}</c> covers every connection with our segment, and each event is handed to the
/// relays of the connections it concerns, found by the id of the segment that carries our name. The stream is opened when
/// the first relay joins, stays open while relays come and go, and is closed <see cref="NextHopRelayOptions.Linger"/> after
/// the last one left. When it breaks, every relay on it publishes its connection DOWN and leaves (as each connection's own
/// stream did, decision 031); the stream is opened again, after a delay that grows while it keeps breaking, for the relays
/// that join later. A next hop without MonitorConnection is reported to <see cref="NextHopRelays"/>, which remembers it;
/// so is one that refuses the shared selector (<c>PERMISSION_DENIED</c>): its connections then get a stream each, with
/// the selector of decision 031 (<see cref="ConnectionId"/>).
/// </summary>
/// <remarks>
/// Events about a connection of ours that has no relay at the moment (its Request is under way: the monitor element stops
/// the relay when a Request begins and starts it when the Request succeeded) are kept, the latest per connection, and
/// given to its relay when it joins as an initial-transfer entry: what a stream opened for that connection alone would
/// have started with. What was kept is forgotten when the relay leaves, so only what arrived during the Request is replayed.
/// </remarks>
internal sealed class SharedNextHopStream : IDisposable
{
    // Kept events of connections without a relay beyond this many are not kept (a bound, not a working limit).
    private const int UnclaimedLimit = 65_536;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<NextHopRelay>> _relays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Connection> _unclaimed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationToken _token;
    private readonly Timer _linger;
    private readonly NextHopRelays _owner;
    private readonly INextHopMonitor _monitor;
    private readonly ILogger _logger;
    private readonly NextHopRelayOptions _options;
    private TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private long _idleSince;
    private bool _closed;
    private bool _disposed;

    public SharedNextHopStream(NextHopRelays owner, INextHopMonitor monitor, ILogger logger, NextHopRelayOptions options, string url, string name, string connectionId)
    {
        (_owner, _monitor, _logger, _options, Url, Name, ConnectionId) = (owner, monitor, logger, options, url, name, connectionId);
        _token = _stop.Token;
        _linger = new Timer(static s => ((SharedNextHopStream)s!).LingerElapsed(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The next hop's URL.</summary>
    public string Url { get; }

    /// <summary>Our path segment name, in the selector.</summary>
    public string Name { get; }

    /// <summary>
    /// Empty for the stream shared by all our connections; else the one connection (our segment id) this stream is for,
    /// the selector of decision 031, for a next hop that refuses the shared selector.
    /// </summary>
    public string ConnectionId { get; }

    /// <summary>Runs the stream on the thread pool: it lives as long as connections use the next hop, beyond any grain turn.</summary>
    public void Start() => _ = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Adds <paramref name="relay"/>: it hears every later event about its connection, and at once what came while it had none.</summary>
    public void Add(NextHopRelay relay)
    {
        lock (_lock)
        {
            // A relay stopped while it was being moved here would never leave.
            if (_closed || relay.Stopped)
            {
                return;
            }

            if (!_relays.TryGetValue(relay.OwnId, out var list))
            {
                list = new List<NextHopRelay>(1);
                _relays[relay.OwnId] = list;
            }

            list.Add(relay);
            if (++_count == 1)
            {
                _linger.Change(Timeout.Infinite, Timeout.Infinite);
                _joined.TrySetResult();
            }

            if (_unclaimed.Remove(relay.OwnId, out var remote))
            {
                relay.Apply(ConnectionEventType.InitialStateTransfer, remote);
            }
        }
    }

    /// <summary>Removes <paramref name="relay"/> (it was stopped); the last one leaving starts the linger.</summary>
    public void Remove(NextHopRelay relay)
    {
        lock (_lock)
        {
            // What the next hop said about the connection so far is forgotten: its next relay starts from its next Request.
            _unclaimed.Remove(relay.OwnId);
            if (_relays.TryGetValue(relay.OwnId, out var list) && list.Remove(relay))
            {
                if (list.Count == 0)
                {
                    _relays.Remove(relay.OwnId);
                }

                if (--_count == 0)
                {
                    StartLinger();
                }
            }
        }
    }

    /// <summary>Closes the stream and hands back the relays on it (the next hop refused the shared selector: they move).</summary>
    public List<NextHopRelay> CloseAndTakeRelays()
    {
        lock (_lock)
        {
            var relays = _relays.Values.SelectMany(list => list).ToList();
            _closed = true;
            _relays.Clear();
            _count = 0;
            return relays;
        }
    }

    /// <summary>
    /// Marks the stream closed if no relay joined since the linger began; true if it did, and the caller removes it and
    /// then disposes it. Called by <see cref="NextHopRelays"/> under its own lock, so that no relay is added to a stream
    /// that is closing.
    /// </summary>
    public bool TryCloseIdle()
    {
        lock (_lock)
        {
            if (_closed || _count > 0)
            {
                return false;
            }

            var idle = Stopwatch.GetElapsedTime(_idleSince);
            if (idle < _options.Linger)
            {
                // Lingering again since a relay came and went: wait for the rest.
                _linger.Change(_options.Linger - idle, Timeout.InfiniteTimeSpan);
                return false;
            }

            _closed = true;
            return true;
        }
    }

    /// <summary>Ends the stream at once (linger over, the forwarder stops, or the next hop offers no monitor); relays still on it hear nothing more.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _closed = true;
            _relays.Clear();
            _unclaimed.Clear();
            _count = 0;
            _joined.TrySetResult();
        }

        _linger.Dispose();
        // Cancelling disposes the call (NextHopClient), so the next hop sees the stream end at once. The loop holds the
        // token, which stays cancelled after the source is disposed.
        _stop.Cancel();
        _stop.Dispose();
    }

    private void StartLinger()
    {
        if (!_closed)
        {
            _idleSince = Stopwatch.GetTimestamp();
            _linger.Change(_options.Linger, Timeout.InfiniteTimeSpan);
        }
    }

    private void LingerElapsed() => _owner.CloseIfIdle(this);

    private async Task RunAsync()
    {
        var token = _token;
        var delay = TimeSpan.Zero;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, token).ConfigureAwait(false);
                }

                Task joined;
                lock (_lock)
                {
                    if (_count == 0 && _joined.Task.IsCompleted)
                    {
                        _joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    joined = _count > 0 ? Task.CompletedTask : _joined.Task;
                }

                // Nobody to relay for (after a break): open again only when a relay joins, or end when the linger closes us.
                await joined.WaitAsync(token).ConfigureAwait(false);
                if (token.IsCancellationRequested)
                {
                    break;
                }

                var (reason, delivered) = await ReadAsync(token).ConfigureAwait(false);
                if (reason is null)
                {
                    break;
                }

                delay = delivered ? _options.FirstReconnectDelay : Min(Max(delay * 2, _options.FirstReconnectDelay), _options.MaxReconnectDelay);
                var told = TellBroken();
                StreamLog.Broken(_logger, Url, reason, told, delay);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Closed (linger, shutdown) while waiting.
        }
    }

    // Reads until the stream ends: null when we stopped it or the next hop offers no monitor, else why it broke, and
    // whether it had delivered its initial transfer (a stream that worked for a while starts the delays anew).
    private async Task<(string? Reason, bool Delivered)> ReadAsync(CancellationToken token)
    {
        var selector = new MonitorScopeSelector { PathSegments = { new PathSegment { Name = Name, Id = ConnectionId } } };
        var delivered = false;
        try
        {
            StreamLog.Opened(_logger, Url, Name);
            await foreach (var connectionEvent in _monitor.MonitorAsync(Url, selector, token).ConfigureAwait(false))
            {
                delivered = true;
                Dispatch(connectionEvent);
            }

            return ("the next hop ended the stream", delivered);
        }
        // Stopping disposes the call (NextHopClient): its read then ends as cancelled, or as disposed if it had not begun.
        catch (Exception ex) when (token.IsCancellationRequested && ex is RpcException or OperationCanceledException or ObjectDisposedException)
        {
            return (null, delivered);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            _owner.NotOffered(this);
            return (null, delivered);
        }
        // Upstream's optional monitor policy (service_connection, on by default in its NSEs) lets a subscriber watch only
        // by the ids of connections it made: a selector without an id is refused.
        catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied && ConnectionId.Length == 0)
        {
            _owner.SharedRefused(this, ex.Status.Detail);
            return (null, delivered);
        }
        catch (Exception ex)
        {
            return (ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message, delivered);
        }
    }

    // Under the lock: a relay added or removed meanwhile sees each event either entirely or not at all, in stream order.
    private void Dispatch(ConnectionEvent connectionEvent)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (connectionEvent.Type == ConnectionEventType.InitialStateTransfer)
            {
                // A new stream's first event is the whole state: what was kept from a previous one is out of date.
                _unclaimed.Clear();
            }

            foreach (var remote in connectionEvent.Connections.Values)
            {
                if (remote.Path is not { } path)
                {
                    continue;
                }

                foreach (var segment in path.PathSegments)
                {
                    if (segment.Name != Name)
                    {
                        continue;
                    }

                    if (_relays.TryGetValue(segment.Id, out var relays))
                    {
                        foreach (var relay in relays)
                        {
                            relay.Apply(connectionEvent.Type, remote);
                        }
                    }
                    else if (connectionEvent.Type == ConnectionEventType.Delete)
                    {
                        _unclaimed.Remove(segment.Id);
                    }
                    else if (_unclaimed.Count < UnclaimedLimit || _unclaimed.ContainsKey(segment.Id))
                    {
                        _unclaimed[segment.Id] = remote;
                    }
                }
            }
        }
    }

    // Every relay on the stream publishes DOWN and leaves it; returns how many.
    private int TellBroken()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return 0;
            }

            var told = 0;
            foreach (var relay in _relays.Values.SelectMany(list => list))
            {
                relay.Broken();
                told++;
            }

            _relays.Clear();
            _unclaimed.Clear();
            if (_count > 0)
            {
                _count = 0;
                StartLinger();
            }

            return told;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
