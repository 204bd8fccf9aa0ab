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

    /// <summary>A cheap read-only snapshot (the dashboard shows it).</summary>
    Task<NodeSnapshot> GetSnapshotAsync();
}
