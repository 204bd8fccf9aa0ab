using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain;

/// <summary>The node's VFs as the resourcepool element sees them: reserve, bind, look up, release (the node and PF grains in production).</summary>
public interface IVfPool
{
    /// <summary>Reserves a VF of <paramref name="node"/> for the connection and token; a refresh returns the same VF.</summary>
    Task<VfReservation> ReserveAsync(string node, ReserveRequest request);

    /// <summary>Frees the connection's VF; false when it held none.</summary>
    Task<bool> ReleaseAsync(string node, string connectionId);

    /// <summary>Binds the IOMMU group to the driver through the VF's PF.</summary>
    Task BindAsync(string node, string pfAddress, int iommuGroup, VfDriver driver);

    /// <summary>The VF's netdev name in the host namespace, or null.</summary>
    Task<string?> GetVfNetInterfaceAsync(string node, string pfAddress, string vfAddress);
}
