using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// One PF of a node, keyed <c>{node}/{pfPciAddress}</c>: binds IOMMU groups of its VFs to the right
/// driver and reports what sysfs shows. Different PFs bind in parallel.
/// </summary>
public interface IPhysicalFunctionGrain : IGrainWithStringKey
{
    /// <summary>Binds every function of the IOMMU group to the driver and waits until it is ready.</summary>
    Task BindIommuGroupAsync(int iommuGroup, VfDriver driver);

    /// <summary>The VF's current netdev name in the host namespace, or null.</summary>
    Task<string?> GetVfNetInterfaceAsync(string vfAddress);

    /// <summary>A read-only snapshot (the dashboard shows it).</summary>
    Task<PhysicalFunctionSnapshot> GetSnapshotAsync();
}
