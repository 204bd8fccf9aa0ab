namespace SriovForwarder.Grains.Allocation;

/// <summary>Converts <see cref="DriverType"/> to and from upstream's strings.</summary>
public static class DriverTypeNames
{
    /// <summary>Upstream's string for the driver type: <c>no-driver</c>, <c>kernel</c> or <c>vfio-pci</c>.</summary>
    public static string ToUpstreamString(this DriverType driverType) => driverType switch
    {
        DriverType.NoDriver => "no-driver",
        DriverType.Kernel => "kernel",
        DriverType.VfioPci => "vfio-pci",
        _ => throw new ArgumentOutOfRangeException(nameof(driverType), driverType, "unknown driver type"),
    };

    /// <summary>Parses upstream's string for a driver type.</summary>
    public static bool TryParse(string? value, out DriverType driverType)
    {
        switch (value)
        {
            case "no-driver":
                driverType = DriverType.NoDriver;
                return true;
            case "kernel":
                driverType = DriverType.Kernel;
                return true;
            case "vfio-pci":
                driverType = DriverType.VfioPci;
                return true;
            default:
                driverType = default;
                return false;
        }
    }
}
