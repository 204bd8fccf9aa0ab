namespace SriovForwarder.Kernel.Pci;

/// <summary>A fresh read of one PCI function's state in sysfs.</summary>
/// <param name="Address">Long-form PCI address.</param>
/// <param name="Driver">Bound driver (base name of the <c>driver</c> link), or null when unbound.</param>
/// <param name="NetInterfaces">Names under <c>net/</c>, sorted; empty when the function has no netdev.</param>
/// <param name="IommuGroup">IOMMU group number (base name of the <c>iommu_group</c> link).</param>
/// <param name="NumaNode">Content of <c>numa_node</c>; -1 when absent or unknown.</param>
/// <param name="IsPhysicalFunction">True when the function has <c>sriov_totalvfs</c>.</param>
/// <param name="OperState">The <c>operstate</c> of its single netdev (<c>up</c>, <c>down</c>, ...), or null when it has none or it cannot be read.</param>
public sealed record PciFunctionInfo(
    string Address,
    string? Driver,
    IReadOnlyList<string> NetInterfaces,
    int IommuGroup,
    int NumaNode,
    bool IsPhysicalFunction,
    string? OperState = null);
