namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>What an IOMMU group is dedicated to: nothing yet, the VFs' kernel driver, or vfio-pci.</summary>
public enum VfDriver
{
    /// <summary>No connection uses the group (upstream's <c>no-driver</c>).</summary>
    NoDriver = 0,

    /// <summary>The VF kernel driver (upstream's <c>kernel</c>): the KERNEL mechanism.</summary>
    Kernel = 1,

    /// <summary>The <c>vfio-pci</c> driver: the VFIO mechanism.</summary>
    VfioPci = 2,
}
