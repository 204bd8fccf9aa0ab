namespace SriovForwarder.Grains.Configuration;

/// <summary>One physical function of the SR-IOV config file and what it offers.</summary>
/// <param name="Address">Long-form PCI address (the key in the file), e.g. <c>0000:01:00.0</c>.</param>
/// <param name="PfKernelDriver">Driver the PF uses as a normal netdev, rebound when its IOMMU group returns to kernel mode.</param>
/// <param name="VfKernelDriver">Driver its VFs use for the KERNEL mechanism.</param>
/// <param name="Capabilities">Capability words (vendor, speed...), in file order.</param>
/// <param name="ServiceDomains">Service domains reachable through the PF's L2 network, in file order.</param>
/// <param name="VirtualFunctions">VFs listed in the file, deduplicated by address, in file order.</param>
public sealed record PhysicalFunctionConfig(
    string Address,
    string PfKernelDriver,
    string VfKernelDriver,
    IReadOnlyList<string> Capabilities,
    IReadOnlyList<string> ServiceDomains,
    IReadOnlyList<VirtualFunctionConfig> VirtualFunctions)
{
    /// <summary>Every <c>serviceDomain/capability</c> pair (the device-plugin resource names), service domain first, without repeats.</summary>
    public IReadOnlyList<string> ResourceNames =>
        ServiceDomains.SelectMany(domain => Capabilities.Select(capability => ResourceName.Join(domain, capability))).Distinct().ToList();
}
