using System.Threading.Channels;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// The silo-local hub between this node's connection grains (which publish) and the
/// <c>MonitorConnections</c> streams (which subscribe): it keeps the current connections for the
/// initial snapshot and fans each event out to the subscribers whose selector matches.
/// </summary>
public sealed class ConnectionEventHub : IConnectionEventSink
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Connection> _current = new(StringComparer.Ordinal);
    private readonly List<Subscription> _subscriptions = [];

    /// <inheritdoc />
    public void Publish(ConnectionEventType type, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var copy = connection.Clone();
        lock (_lock)
        {
            if (type == ConnectionEventType.Delete)
            {
                _current.Remove(copy.Id);
            }
            else
            {
                _current[copy.Id] = copy;
            }

            foreach (var subscription in _subscriptions)
            {
                if (ScopeSelector.Matches(subscription.Selector, copy))
                {
                    subscription.Events.Writer.TryWrite(new ConnectionEvent { Type = type, Connections = { [copy.Id] = copy.Clone() } });
                }
            }
        }
    }

    /// <summary>Subscribes: the first event read is the initial state transfer, then every matching UPDATE and DELETE.</summary>
    public Subscription Subscribe(MonitorScopeSelector selector)
    {
        var subscription = new Subscription(this, selector);
        lock (_lock)
        {
            var initial = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer };
            foreach (var (id, connection) in _current)
            {
                if (ScopeSelector.Matches(selector, connection))
                {
                    initial.Connections[id] = connection.Clone();
                }
            }

            subscription.Events.Writer.TryWrite(initial);
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>One subscriber's queue of events; dispose to unsubscribe.</summary>
    public sealed class Subscription(ConnectionEventHub hub, MonitorScopeSelector selector) : IDisposable
    {
        internal MonitorScopeSelector Selector { get; } = selector.Clone();

        internal Channel<ConnectionEvent> Events { get; } = Channel.CreateUnbounded<ConnectionEvent>(new UnboundedChannelOptions { SingleReader = true });

        /// <summary>The events, in order.</summary>
        public ChannelReader<ConnectionEvent> Reader => Events.Reader;

        /// <inheritdoc />
        public void Dispose()
        {
            hub.Remove(this);
            Events.Writer.TryComplete();
        }
    }
}
