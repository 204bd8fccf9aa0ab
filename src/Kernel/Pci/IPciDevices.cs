namespace SriovForwarder.Kernel.Pci;

/// <summary>The SR-IOV inventory and driver binding of one node's PCI functions, read from sysfs.</summary>
public interface IPciDevices
{
    /// <summary>
    /// Checks that the PF exists and is SR-IOV capable, enables all VFs when <c>sriov_numvfs</c> is 0,
    /// and returns the PF with its VFs in numeric <c>virtfnN</c> order.
    /// </summary>
    Task<PhysicalFunctionInventory> OpenPhysicalFunctionAsync(string pfAddress, CancellationToken cancellationToken = default);

    /// <summary>A fresh read of one function's driver, netdevs, IOMMU group and NUMA node.</summary>
    PciFunctionInfo GetFunction(string address);

    /// <summary>The addresses of every function in an IOMMU group, sorted.</summary>
    IReadOnlyList<string> GetIommuGroupMembers(int iommuGroup);

    /// <summary>The addresses of every function in the IOMMU group of <paramref name="address"/>, sorted.</summary>
    IReadOnlyList<string> GetIommuGroupMembersOf(string address);

    /// <summary>The single netdev name of a function; an error when it has none or several.</summary>
    string GetNetInterfaceName(string address);

    /// <summary>
    /// Binds each function to its driver and waits until it is ready (kernel driver: exactly one netdev;
    /// vfio-pci: the VFIO group device exists). Refuses, before writing anything, to rebind a PF or to hand
    /// a group that contains a PF to vfio-pci.
    /// </summary>
    Task BindAsync(IReadOnlyList<DriverBinding> bindings, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether every function is bound to its driver and ready as <see cref="BindAsync"/> would leave it, read now; true
    /// means <see cref="BindAsync"/> would write nothing. False when unsure (the default), so callers then bind.
    /// </summary>
    bool IsBound(IReadOnlyList<DriverBinding> bindings) => false;
}
