using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>The libc calls behind device-node handling: <c>statx</c> for st_rdev and <c>mknod</c>.</summary>
internal static partial class NativeDeviceNodes
{
    private const int AtFdCwd = -100;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const int RdevMajorOffset = 128;
    private const int RdevMinorOffset = 132;

    internal const uint FileTypeMask = 0xF000;
    internal const uint CharacterDeviceType = 0x2000;

    /// <summary>Runs statx (following symlinks, like stat) and returns the mode and st_rdev, or the errno.</summary>
    internal static unsafe int Stat(string path, out uint mode, out DeviceNumber rdev)
    {
        // struct statx has the same layout on every architecture, and carries st_rdev already split into
        // major and minor, so no makedev/major/minor decoding (which differs between libcs) is needed.
        var buffer = stackalloc byte[StatxSize];
        if (LibC.Statx(AtFdCwd, path, 0, LibC.StatxBasicStats, buffer) != 0)
        {
            mode = 0;
            rdev = default;
            return Marshal.GetLastPInvokeError();
        }

        mode = *(ushort*)(buffer + ModeOffset);
        rdev = new DeviceNumber(*(uint*)(buffer + RdevMajorOffset), *(uint*)(buffer + RdevMinorOffset));
        return 0;
    }

    /// <summary>Runs mknod for a character device and returns 0 or the errno.</summary>
    internal static int MakeCharacterDevice(string path, DeviceNumber device, uint permissions)
    {
        var result = LibC.Mknod(path, CharacterDeviceType | permissions, LibC.MakeDev(device.Major, device.Minor));
        return result == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

}
