using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain;

/// <summary>The <see cref="IVfPool"/> of the node grain (reservations) and the PF grains (driver binding).</summary>
public sealed class GrainVfPool(IGrainFactory grains) : IVfPool
{
    /// <inheritdoc />
    public Task<VfReservation> ReserveAsync(string node, ReserveRequest request) =>
        grains.GetGrain<INodeGrain>(node).ReserveAsync(request);

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(string node, string connectionId) =>
        grains.GetGrain<INodeGrain>(node).ReleaseAsync(connectionId);

    /// <inheritdoc />
    public Task BindAsync(string node, string pfAddress, int iommuGroup, VfDriver driver) =>
        grains.GetGrain<IPhysicalFunctionGrain>(NodeKeys.For(node, pfAddress)).BindIommuGroupAsync(iommuGroup, driver);

    /// <inheritdoc />
    public Task<string?> GetVfNetInterfaceAsync(string node, string pfAddress, string vfAddress) =>
        grains.GetGrain<IPhysicalFunctionGrain>(NodeKeys.For(node, pfAddress)).GetVfNetInterfaceAsync(vfAddress);
}
