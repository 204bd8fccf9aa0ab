namespace SriovForwarder.Grains.Configuration;

/// <summary>A VF listed under a PF in the SR-IOV config file (normally absent: VFs are discovered in sysfs).</summary>
/// <param name="Address">Long-form PCI address, e.g. <c>0000:01:02.0</c>.</param>
/// <param name="IommuGroup">The VF's IOMMU group number.</param>
public sealed record VirtualFunctionConfig(string Address, int IommuGroup);
