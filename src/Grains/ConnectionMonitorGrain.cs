using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Utilities;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Monitor;
using SriovForwarder.Grains.Placement;

namespace SriovForwarder.Grains;

/// <summary>
/// One node's connection events between its connection grains (which publish) and the gateway's MonitorConnections
/// streams (which observe): it keeps the latest state of every connection for a new subscriber's initial snapshot and
/// passes each event on. Its state is memory only and it is never collected for idleness: after a restart the connection
/// grains publish their established connections again as they settle (<c>ConnectionUndo.Republish</c>).
/// </summary>
[NodeBoundPlacement, Immovable, KeepAlive]
public sealed class ConnectionMonitorGrain(ILogger<ConnectionMonitorGrain> logger) : Grain, IConnectionMonitorGrain
{
    private readonly Dictionary<string, Connection> _current = new(StringComparer.Ordinal);
    private readonly ConnectionEventOrder _applied = new();
    private readonly ObserverManager<IConnectionEventObserver> _observers = new(ConnectionEventSubscription.Lifetime, logger);
    private readonly Guid _epoch = Guid.NewGuid();
    private long _sequence;

    /// <inheritdoc />
    public Task PublishAsync(ConnectionEvent connectionEvent, long order)
    {
        ArgumentNullException.ThrowIfNull(connectionEvent);
        if (!_applied.TryApply(connectionEvent.Connections.Keys, order))
        {
            // Overtaken by a later event about the same connection (one-way messages are not kept in order): stale.
            return Task.CompletedTask;
        }

        foreach (var (id, connection) in connectionEvent.Connections)
        {
            if (connectionEvent.Type == ConnectionEventType.Delete)
            {
                _current.Remove(id);
            }
            else
            {
                _current[id] = connection;
            }
        }

        // One-way calls: each observer gets its own copy of the event, and a slow one holds up nobody.
        var notice = new ConnectionEventNotice(_epoch, ++_sequence, connectionEvent);
        _observers.Notify(observer => observer.OnConnectionEventAsync(notice));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SubscribeAsync(IConnectionEventObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!_observers.Observers.ContainsKey(observer))
        {
            // Numbered in this turn: the observer drops what it holds up to here and waits for what comes after.
            var initial = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer };
            initial.Connections.Add(_current);
            observer.OnConnectionEventAsync(new ConnectionEventNotice(_epoch, _sequence, initial)).Ignore();
        }

        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IConnectionEventObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
