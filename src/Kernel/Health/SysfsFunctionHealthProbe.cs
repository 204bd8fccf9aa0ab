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

    // A dangling link (its target removed) counts as absent, as it does for the kernel.
    private static string? LinkTargetName(string link)
    {
        var info = new FileInfo(link);
        if (info.LinkTarget is not { } target)
        {
            return null;
        }

        var resolved = Path.GetFullPath(target, Path.GetDirectoryName(link)!);
        return Directory.Exists(resolved) ? Path.GetFileName(resolved.TrimEnd('/')) : null;
    }
}
