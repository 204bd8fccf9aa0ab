using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Allocation;

/// <summary>Upstream's strings for a <see cref="VfDriver"/>, which the allocation messages use.</summary>
public static class VfDriverNames
{
    /// <summary>Upstream's string for the driver: <c>no-driver</c>, <c>kernel</c> or <c>vfio-pci</c>.</summary>
    public static string ToUpstreamString(this VfDriver driver) => driver switch
    {
        VfDriver.NoDriver => "no-driver",
        VfDriver.Kernel => "kernel",
        VfDriver.VfioPci => "vfio-pci",
        _ => throw new ArgumentOutOfRangeException(nameof(driver), driver, "unknown driver type"),
    };
}
