using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>The libc calls behind device-node handling: <c>statx</c> for st_rdev and <c>mknod</c>.</summary>
internal static partial class NativeDeviceNodes
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
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
        if (StatX(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
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
        var result = MkNod(path, CharacterDeviceType | permissions, MakeDev(device.Major, device.Minor));
        return result == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>glibc's dev_t encoding (gnu_dev_makedev), also used by musl.</summary>
    internal static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000u) << 32) | ((ulong)(major & 0x00000fffu) << 8)
        | ((ulong)(minor & 0xffffff00u) << 12) | (minor & 0x000000ffu);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatX(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkNod(string path, uint mode, ulong device);
}
