using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Inventory;

/// <summary>One configured PF joined with what sysfs shows of it: drivers from the config, VFs from sysfs.</summary>
/// <param name="Address">Long-form PCI address (the config key).</param>
/// <param name="PfKernelDriver">The PF's kernel driver from the config.</param>
/// <param name="VfKernelDriver">The kernel driver its VFs use for the KERNEL mechanism.</param>
/// <param name="ResourceNames">Every <c>serviceDomain/capability</c> the PF offers.</param>
/// <param name="NetInterface">The PF netdev in the host namespace (null when it has none).</param>
/// <param name="NumaNode">NUMA node, -1 when unknown.</param>
/// <param name="VirtualFunctions">Its VFs in VF-number order.</param>
public sealed record InventoryPhysicalFunction(
    string Address,
    string PfKernelDriver,
    string VfKernelDriver,
    IReadOnlyList<string> ResourceNames,
    string? NetInterface,
    int NumaNode,
    IReadOnlyList<VirtualFunctionInfo> VirtualFunctions);
