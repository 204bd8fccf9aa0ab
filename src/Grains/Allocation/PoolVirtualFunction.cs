namespace SriovForwarder.Grains.Allocation;

/// <summary>A virtual function as the allocation core sees it: its PCI address, number under its PF and IOMMU group.</summary>
/// <param name="Address">The VF's PCI address, e.g. <c>0000:01:00.1</c>.</param>
/// <param name="VfNumber">The N of the PF's <c>virtfnN</c> link.</param>
/// <param name="IommuGroup">The IOMMU group number; numbering is global across PFs.</param>
public sealed record PoolVirtualFunction(string Address, int VfNumber, int IommuGroup);
