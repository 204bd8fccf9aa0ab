using System.Globalization;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.Health;

/// <summary>Reads the health facts from sysfs and /dev/vfio at the paths of <see cref="PciOptions"/> (a simulated node's trees in <c>--simulate</c>).</summary>
public sealed class SysfsFunctionHealthProbe(IOptions<PciOptions> options) : IFunctionHealthProbe
{
    private readonly PciOptions _options = options.Value;

    /// <inheritdoc />
    public bool DeviceExists(string address) => Directory.Exists(Path.Combine(_options.DevicesPath, address));

    /// <inheritdoc />
    public string? VirtualFunctionAddress(string pfAddress, int vfNumber) =>
        LinkTargetName(Path.Combine(_options.DevicesPath, pfAddress, "virtfn" + vfNumber.ToString(CultureInfo.InvariantCulture)));

    /// <inheritdoc />
    public string? DriverOf(string address) => LinkTargetName(Path.Combine(_options.DevicesPath, address, "driver"));

    /// <inheritdoc />
    public bool VfioGroupNodeExists(int iommuGroup) =>
        File.Exists(Path.Combine(_options.VfioPath, iommuGroup.ToString(CultureInfo.InvariantCulture)));

    // sysfs links are relative to the real folder of the device (devices/<addr> is itself a link), so only the target's
    // last name is read, as the kernel's own tools do; whether that device still exists is asked separately.
    private static string? LinkTargetName(string link) =>
        new FileInfo(link).LinkTarget is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;
}
