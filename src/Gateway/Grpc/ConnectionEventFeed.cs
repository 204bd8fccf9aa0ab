using System.Threading.Channels;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// The events of one MonitorConnections stream: observes the node's connection events and queues, in order, those in
/// the stream's scope (the initial state transfer always, with only the connections in scope).
/// </summary>
public sealed class ConnectionEventFeed(MonitorScopeSelector selector) : IConnectionEventObserver
{
    private readonly MonitorScopeSelector _selector = selector.Clone();
    private readonly Channel<ConnectionEvent> _events = Channel.CreateUnbounded<ConnectionEvent>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The events, in order.</summary>
    public ChannelReader<ConnectionEvent> Reader => _events.Reader;

    /// <inheritdoc />
    public Task OnConnectionEventAsync(ConnectionEvent connectionEvent)
    {
        ArgumentNullException.ThrowIfNull(connectionEvent);
        if (connectionEvent.Type == ConnectionEventType.InitialStateTransfer)
        {
            var initial = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer };
            foreach (var (id, connection) in connectionEvent.Connections)
            {
                if (ScopeSelector.Matches(_selector, connection))
                {
                    initial.Connections[id] = connection;
                }
            }

            _events.Writer.TryWrite(initial);
            return Task.CompletedTask;
        }

        // One event per connection, as the connection grains publish them.
        foreach (var (id, connection) in connectionEvent.Connections)
        {
            if (ScopeSelector.Matches(_selector, connection))
            {
                _events.Writer.TryWrite(new ConnectionEvent { Type = connectionEvent.Type, Connections = { [id] = connection } });
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Ends <see cref="Reader"/> once the queued events are read.</summary>
    public void Complete() => _events.Writer.TryComplete();
}
