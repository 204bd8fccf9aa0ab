using Grpc.Core;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Monitor;

/// <summary>
/// Upstream's monitor relay for one connection (§6.9): watches the next hop's <c>MonitorConnections</c> with the
/// selector <c>{path_segments: [{id, name} of our segment]}</c> and publishes what changed for our connection as an
/// UPDATE in our coordinates: the stored copy takes the remote path (our index kept), context and state; a DELETE there
/// is state DOWN here; an initial-transfer entry whose state is the stored one, and anything that changes nothing, is
/// not sent. A broken stream publishes the stored copy with state DOWN. A next hop that does not implement
/// MonitorConnection offers nothing to relay: no event then. After <see cref="Dispose"/> it publishes nothing more.
/// </summary>
internal sealed class NextHopRelay : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly INextHopMonitor _monitor;
    private readonly IConnectionEventSink _sink;
    private readonly ILogger _logger;
    private readonly string _node;
    private readonly string _url;
    private Connection _stored;
    private bool _stopped;
    private bool _finished;

    private NextHopRelay(INextHopMonitor monitor, IConnectionEventSink sink, ILogger logger, string node, string url, Connection published)
    {
        (_monitor, _sink, _logger, _node, _url, _stored) = (monitor, sink, logger, node, url, published);
    }

    /// <summary>
    /// Starts relaying for <paramref name="published"/> (the connection as our monitor last published it, in our
    /// coordinates; not kept by the caller afterwards) from the next hop at <paramref name="url"/>.
    /// </summary>
    public static NextHopRelay Start(INextHopMonitor monitor, IConnectionEventSink sink, ILogger logger, string node, string url, Connection published)
    {
        var relay = new NextHopRelay(monitor, sink, logger, node, url, published);
        // Off the grain's scheduler: the stream lives as long as the connection, far beyond the Request's turn.
        _ = Task.Run(relay.RunAsync, CancellationToken.None);
        return relay;
    }

    /// <summary>Stops the relay; once this returns no event of it is published any more.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            if (_finished)
            {
                _cancel.Dispose();
            }
            else
            {
                // The loop disposes it when it ends.
                _cancel.Cancel();
            }
        }
    }

    private uint OwnIndex => _stored.Path.Index;

    private async Task RunAsync()
    {
        var token = _cancel.Token;
        var own = _stored.Path.PathSegments[(int)OwnIndex];
        var selector = new MonitorScopeSelector { PathSegments = { new PathSegment { Id = own.Id, Name = own.Name } } };
        string reason;
        try
        {
            NextHopRelayLog.Started(_logger, own.Id, _url);
            await foreach (var connectionEvent in _monitor.MonitorAsync(_url, selector, token).ConfigureAwait(false))
            {
                Apply(connectionEvent, own.Id);
            }

            reason = "the next hop ended the stream";
        }
        // Stopping disposes the call (NextHopClient): its read then ends as cancelled, or as disposed if it had not begun.
        catch (Exception ex) when (token.IsCancellationRequested && ex is RpcException or OperationCanceledException or ObjectDisposedException)
        {
            Finish();
            return;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            NextHopRelayLog.NotOffered(_logger, own.Id, _url);
            Finish();
            return;
        }
        catch (Exception ex)
        {
            reason = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;
        }

        NextHopRelayLog.Broken(_logger, own.Id, _url, reason);
        Publish(stored =>
        {
            var down = stored.Clone();
            down.State = State.Down;
            return down;
        });
        Finish();
    }

    private void Apply(ConnectionEvent connectionEvent, string ownId)
    {
        foreach (var remote in connectionEvent.Connections.Values)
        {
            if (!IsOurs(remote, ownId))
            {
                continue;
            }

            Publish(stored =>
            {
                if (connectionEvent.Type == ConnectionEventType.InitialStateTransfer && remote.State == stored.State)
                {
                    return null;
                }

                var updated = stored.Clone();
                updated.Path = remote.Path.Clone();
                updated.Path.Index = stored.Path.Index;
                updated.Context = remote.Context?.Clone();
                updated.State = connectionEvent.Type == ConnectionEventType.Delete ? State.Down : remote.State;
                return updated;
            });
        }
    }

    // Our segment sits at our index of the remote path, and the remote connection is ours or the next hop's.
    private bool IsOurs(Connection remote, string ownId)
    {
        var path = remote.Path;
        var index = OwnIndex;
        return path is not null
            && path.PathSegments.Count > index
            && path.PathSegments[(int)index].Id == ownId
            && (path.Index == index || path.Index == index + 1);
    }

    // Under the lock, so that a Dispose returning first wins and nothing is published after it.
    private void Publish(Func<Connection, Connection?> change)
    {
        lock (_lock)
        {
            if (_stopped || change(_stored) is not { } updated || updated.Equals(_stored))
            {
                return;
            }

            _stored = updated;
            _sink.Publish(_node, ConnectionEventType.Update, updated.Clone());
        }
    }

    // Whichever of the loop's end and Dispose comes last disposes the token source.
    private void Finish()
    {
        lock (_lock)
        {
            _finished = true;
            if (_stopped)
            {
                _cancel.Dispose();
            }
        }
    }
}
