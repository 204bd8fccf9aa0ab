using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// One node's SR-IOV inventory, device-plugin token pool and VF reservations; keyed by the node name
/// and active only on that node's silo. It decides and reserves in microseconds; the slow driver
/// binding happens in <see cref="IPhysicalFunctionGrain"/>.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Reserves a VF for the connection through the token; a refresh (same connection, token and driver) returns the same VF.</summary>
    Task<VfReservation> ReserveAsync(ReserveRequest request);

    /// <summary>Frees the connection's VF and stops using its token; returns false when the connection held none.</summary>
    Task<bool> ReleaseAsync(string connectionId);

    /// <summary>The connection's reservation, or null.</summary>
    Task<VfReservation?> GetReservationAsync(string connectionId);

    /// <summary>
    /// Makes the reservations agree with their owners' records: a reservation made before <paramref name="reservedBefore"/>
    /// that no connection in <paramref name="held"/> records (a crash came between the node's write and the connection's)
    /// is released, and, when <paramref name="adopt"/>, a VF a connection records but the node lacks (a crash inside a
    /// refresh) is reserved again for it. One write.
    /// </summary>
    Task<ReservationReconcileReport> ReconcileReservationsAsync(IReadOnlyList<HeldVf> held, DateTimeOffset reservedBefore, bool adopt);

    /// <summary>A cheap read-only snapshot (the dashboard shows it).</summary>
    Task<NodeSnapshot> GetSnapshotAsync();

    /// <summary>The device-plugin resource names (<c>serviceDomain/capability</c>) this node offers.</summary>
    Task<IReadOnlyList<string>> GetResourceNamesAsync();

    /// <summary>The devices (tokens) of one resource with their health, for ListAndWatch.</summary>
    Task<ResourceDevices> GetDevicesAsync(string resourceName);

    /// <summary>Where the tokens of one resource can land (PFs with NUMA node and free VFs, each token's held VF), for GetPreferredAllocation.</summary>
    Task<ResourceTopology> GetTopologyAsync(string resourceName);

    /// <summary>Kubelet's Allocate: marks the tokens allocated, all or nothing; every id must belong to the resource.</summary>
    Task AllocateTokensAsync(string resourceName, IReadOnlyList<string> tokenIds);

    /// <summary>Frees tokens whose pods are gone (pod-resources reconciliation); unknown ids are reported, not fatal.</summary>
    Task<IReadOnlyList<string>> FreeTokensAsync(IReadOnlyList<string> tokenIds);

    /// <summary>
    /// The tokens kubelet allocated to pods as this node has recorded them (persisted, so they survive restarts):
    /// resource name → token ids. Pod-resources reconciliation frees those kubelet no longer lists.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAllocatedTokensAsync();

    /// <summary>Restores which tokens pods hold, from kubelet's pod-resources list: resource name → token ids.</summary>
    Task RestoreTokensAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> tokensByResource);

    /// <summary>Subscribes an observer to token-pool changes; subscribers re-subscribe before <see cref="TokenPoolSubscription.Lifetime"/> ends.</summary>
    Task SubscribeAsync(ITokenPoolObserver observer);

    /// <summary>Removes a subscription.</summary>
    Task UnsubscribeAsync(ITokenPoolObserver observer);

    /// <summary>The PF netdev names whose link state decides the PFs' carrier health (the link watcher follows these).</summary>
    Task<IReadOnlyList<string>> GetPhysicalFunctionNetdevsAsync();

    /// <summary>
    /// What the link watcher heard of PF netdevs: each report replaces that PF's link fault (null = up with carrier). The
    /// affected tokens turn Unhealthy or Healthy for kubelet, the fleet hears, and live connections on the PF's VFs get a
    /// MonitorConnections event, all in this call's turn.
    /// </summary>
    Task ReportLinksAsync(IReadOnlyList<LinkReport> links);

    /// <summary>Runs one sysfs health reconcile pass now (the backstop loop calls it periodically) and returns every unhealthy PF and VF.</summary>
    Task<IReadOnlyList<FunctionHealth>> CheckHealthAsync();

    /// <summary>Every unhealthy PF and VF with its reason and since when.</summary>
    Task<IReadOnlyList<FunctionHealth>> GetHealthAsync();
}
