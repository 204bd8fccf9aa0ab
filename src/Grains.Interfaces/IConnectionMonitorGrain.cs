using Orleans.Concurrency;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// One node's connection events for <c>MonitorConnection</c>, keyed <c>{node}</c> and active only on that node: the
/// connection grains publish each UPDATE and DELETE here, it keeps the latest state of every connection, and it passes
/// each event on to its observers (the gateway's MonitorConnections streams).
/// </summary>
public interface IConnectionMonitorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records one event (UPDATE or DELETE of the connections it carries, keyed by connection id) and tells the observers.
    /// One-way, so a connection grain's Request and Close never wait for the monitor. Orleans does not keep one-way
    /// messages in order, so <paramref name="order"/> (rising in publish order on the node) lets the monitor drop an event
    /// about a connection that is older than one it already applied, e.g. an UPDATE overtaken by the DELETE after it.
    /// </summary>
    [OneWay]
    Task PublishAsync(ConnectionEvent connectionEvent, long order);

    /// <summary>
    /// Subscribes <paramref name="observer"/>, or renews its subscription; subscribers renew before
    /// <see cref="ConnectionEventSubscription.Lifetime"/> ends. A new subscriber is sent an INITIAL_STATE_TRANSFER with
    /// every current connection, numbered in the same turn, so no event falls between the snapshot and the ones after it.
    /// </summary>
    Task SubscribeAsync(IConnectionEventObserver observer);

    /// <summary>Removes a subscription; one-way, so a stream ending at shutdown does not wait for the silo.</summary>
    [OneWay]
    Task UnsubscribeAsync(IConnectionEventObserver observer);
}
