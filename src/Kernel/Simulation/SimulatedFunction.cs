using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>One PCI function of the simulated node, present in sysfs or not (VFs exist only while enabled).</summary>
/// <param name="Address">Long-form PCI address.</param>
/// <param name="PfIndex">Index of the PF in the spec.</param>
/// <param name="VfNumber">N of the PF's <c>virtfnN</c> link, or -1 for the PF itself.</param>
/// <param name="IommuGroup">IOMMU group number.</param>
/// <param name="KernelDriver">The kernel driver whose id table matches the function.</param>
/// <param name="NetdevName">The netdev name the function has while bound to its kernel driver.</param>
/// <param name="DeviceId">PCI device id.</param>
internal sealed record SimulatedFunction(
    PciAddress Address,
    int PfIndex,
    int VfNumber,
    int IommuGroup,
    string KernelDriver,
    string NetdevName,
    string DeviceId)
{
    /// <summary>True for the physical function.</summary>
    public bool IsPhysicalFunction => VfNumber < 0;
}
