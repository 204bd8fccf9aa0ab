namespace SriovForwarder.Kernel.Pci;

/// <summary>A virtual function as found through its PF's <c>virtfnN</c> link.</summary>
/// <param name="Address">Long-form PCI address of the VF.</param>
/// <param name="VfNumber">N of the PF's <c>virtfnN</c> link: the VF index for PF-level netlink calls.</param>
/// <param name="IommuGroup">IOMMU group number.</param>
/// <param name="Driver">Bound driver, or null when unbound.</param>
/// <param name="NetInterfaces">Names under <c>net/</c>, sorted.</param>
/// <param name="NumaNode">NUMA node, -1 when unknown.</param>
public sealed record VirtualFunctionInfo(
    string Address,
    int VfNumber,
    int IommuGroup,
    string? Driver,
    IReadOnlyList<string> NetInterfaces,
    int NumaNode);
