using System.Globalization;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>Reads VFIO device numbers with stat under <see cref="VfioOptions.VfioPath"/>, as upstream's vfio element does.</summary>
public sealed class VfioDevices(IOptions<VfioOptions> options) : IVfioDevices
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    private readonly string _vfioPath = options.Value.VfioPath;

    /// <inheritdoc />
    public DeviceNumber GetContainerDevice() =>
        Read(Path.Combine(_vfioPath, "vfio"), "is the vfio module loaded and the host's /dev/vfio mounted there?");

    /// <inheritdoc />
    public DeviceNumber GetGroupDevice(int iommuGroup)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iommuGroup);
        var group = iommuGroup.ToString(CultureInfo.InvariantCulture);
        return Read(Path.Combine(_vfioPath, group), $"is IOMMU group {group} bound to vfio-pci?");
    }

    private static DeviceNumber Read(string path, string missingHint)
    {
        var errno = NativeDeviceNodes.Stat(path, out var mode, out var rdev);
        if (errno is ENOENT or ENOTDIR)
        {
            throw new VfioDeviceException($"VFIO device {path} does not exist ({missingHint})");
        }

        if (errno != 0)
        {
            throw new VfioDeviceException($"failed to check VFIO device {path}: {Errno.DescribeWithNumber(errno)}");
        }

        if ((mode & NativeDeviceNodes.FileTypeMask) != NativeDeviceNodes.CharacterDeviceType)
        {
            throw new VfioDeviceException(
                $"VFIO device {path} is not a character device (it is {DescribeType(mode)})");
        }

        return rdev;
    }

    private static string DescribeType(uint mode) => (mode & NativeDeviceNodes.FileTypeMask) switch
    {
        0x8000 => "a regular file",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0x1000 => "a FIFO",
        0xC000 => "a socket",
        _ => "of file type 0x" + (mode & NativeDeviceNodes.FileTypeMask).ToString("x", CultureInfo.InvariantCulture),
    };
}
