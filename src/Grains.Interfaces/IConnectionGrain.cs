using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using Orleans.Concurrency;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// One NSM connection through this forwarder, keyed <c>{node}/{connectionId}</c> and active only on
/// that node: it runs the forwarder chain for Request and Close one event at a time, holds the VF and
/// what was applied for it, and closes itself when the caller's path token expires.
/// </summary>
public interface IConnectionGrain : IGrainWithStringKey
{
    /// <summary>
    /// A first Request or a refresh; returns the connection in the caller's path coordinates. Cancelling
    /// <paramref name="cancellationToken"/> (the caller gave up) stops the call to the next hop and undoes a new connection.
    /// </summary>
    Task<Connection> RequestAsync(NetworkServiceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Closes the connection (the stored one, whatever the argument carries beyond its id); closing an unknown connection does nothing.</summary>
    Task CloseAsync(Connection connection);

    /// <summary>The last connection returned to the caller, or null when the connection is not established.</summary>
    Task<Connection?> GetAsync();

    /// <summary>
    /// One reconcile step (at start and periodically): finishes undoing a first Request or a Close that a crash cut
    /// short, closes an established connection whose client is gone, and says which VF the connection still holds.
    /// </summary>
    Task<ConnectionCheck> ReconcileAsync();

    /// <summary>
    /// The VF at <paramref name="vfAddress"/> turned unhealthy (<paramref name="fault"/> says why) or healthy again (null):
    /// when this connection holds it, MonitorConnections subscribers get an UPDATE with state DOWN, or UP again (decision 026).
    /// One-way, so the node grain never waits on a connection busy with a Request.
    /// </summary>
    [OneWay]
    Task VfHealthChangedAsync(string vfAddress, string? fault);
}
