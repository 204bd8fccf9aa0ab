using System.Threading.Channels;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// The events of one MonitorConnections stream: observes the node's monitor grain, puts its numbered events back in
/// order after the initial state transfer, and queues those in the stream's scope (the initial state transfer always,
/// with only the connections in scope). <paramref name="visible"/>, when given, hides connections the subscriber may not
/// see (by the id the event carries, our segment id): in SPIFFE mode, those another identity made.
/// </summary>
public sealed class ConnectionEventFeed(MonitorScopeSelector selector, Func<string, bool>? visible = null) : IConnectionEventObserver
{
    private readonly MonitorScopeSelector _selector = selector.Clone();
    private readonly Channel<ConnectionEvent> _events = Channel.CreateUnbounded<ConnectionEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Dictionary<(Guid Epoch, long Sequence), ConnectionEvent> _waiting = [];
    private Guid? _epoch;
    private long _next;

    /// <summary>The events, in order.</summary>
    public ChannelReader<ConnectionEvent> Reader => _events.Reader;

    /// <inheritdoc />
    public Task OnConnectionEventAsync(ConnectionEventNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        lock (_lock)
        {
            if (notice.Event.Type == ConnectionEventType.InitialStateTransfer)
            {
                // A first snapshot, or a fresh one from a monitor that lost us (expired or activated anew): start over from it.
                _epoch = notice.Epoch;
                _next = notice.Sequence + 1;
                foreach (var key in _waiting.Keys.Where(k => k.Epoch != notice.Epoch || k.Sequence < _next).ToList())
                {
                    _waiting.Remove(key);
                }

                WriteInitial(notice.Event);
            }
            else if (notice.Epoch != _epoch || notice.Sequence > _next)
            {
                // Before its snapshot, or ahead of an event still on its way.
                _waiting[(notice.Epoch, notice.Sequence)] = notice.Event;
                return Task.CompletedTask;
            }
            else if (notice.Sequence == _next)
            {
                _next++;
                Write(notice.Event);
            }

            while (_epoch is { } epoch && _waiting.Remove((epoch, _next), out var waiting))
            {
                _next++;
                Write(waiting);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Ends <see cref="Reader"/> once the queued events are read.</summary>
    public void Complete() => _events.Writer.TryComplete();

    private void WriteInitial(ConnectionEvent snapshot)
    {
        var initial = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer };
        foreach (var (id, connection) in snapshot.Connections)
        {
            if (ScopeSelector.Matches(_selector, connection) && (visible?.Invoke(id) ?? true))
            {
                initial.Connections[id] = connection;
            }
        }

        _events.Writer.TryWrite(initial);
    }

    // One event per connection, as the connection grains publish them.
    private void Write(ConnectionEvent connectionEvent)
    {
        foreach (var (id, connection) in connectionEvent.Connections)
        {
            if (ScopeSelector.Matches(_selector, connection) && (visible?.Invoke(id) ?? true))
            {
                _events.Writer.TryWrite(new ConnectionEvent { Type = connectionEvent.Type, Connections = { [id] = connection } });
            }
        }
    }
}
