using Orleans.Concurrency;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// Told by the node's <see cref="IConnectionMonitorGrain"/> about its connections: first an INITIAL_STATE_TRANSFER with
/// all of them, then every UPDATE and DELETE, numbered so the observer can restore their order.
/// </summary>
public interface IConnectionEventObserver : IGrainObserver
{
    /// <summary>One event; the observer keeps or forwards it, the sender does not wait.</summary>
    [OneWay]
    Task OnConnectionEventAsync(ConnectionEventNotice notice);
}
