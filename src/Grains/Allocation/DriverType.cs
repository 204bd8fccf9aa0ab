namespace SriovForwarder.Grains.Allocation;

/// <summary>The driver an IOMMU group is dedicated to; upstream strings are <c>no-driver</c>, <c>kernel</c>, <c>vfio-pci</c>.</summary>
public enum DriverType
{
    /// <summary>Not dedicated to any driver (no VF of the group is in use).</summary>
    NoDriver = 0,

    /// <summary>The VF's kernel network driver.</summary>
    Kernel = 1,

    /// <summary>The <c>vfio-pci</c> driver.</summary>
    VfioPci = 2,
}
