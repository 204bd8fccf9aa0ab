using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>Creates character device nodes (root only), for the simulated node and for tests.</summary>
public static class Mknod
{
    /// <summary>Default permissions of a created node: read and write for everyone, like <c>/dev/vfio/vfio</c>.</summary>
    public const UnixFileMode DefaultMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Creates a character device node at <paramref name="path"/> with the given numbers and mode.</summary>
    /// <exception cref="IOException">mknod failed (for example EPERM without CAP_MKNOD, or EEXIST); the message names the path and the errno.</exception>
    public static void CreateCharacterDevice(string path, uint major, uint minor, UnixFileMode mode = DefaultMode) =>
        CreateCharacterDevice(path, new DeviceNumber(major, minor), mode);

    /// <summary>Creates a character device node at <paramref name="path"/> with the given number and mode.</summary>
    /// <exception cref="IOException">mknod failed; the message names the path and the errno.</exception>
    public static void CreateCharacterDevice(string path, DeviceNumber device, UnixFileMode mode = DefaultMode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var errno = NativeDeviceNodes.MakeCharacterDevice(path, device, (uint)mode);
        if (errno != 0)
        {
            throw new IOException(
                $"mknod {path} (character device {device}) failed: {Errno.DescribeWithNumber(errno)}", errno);
        }

        // mknod applies the umask; set the asked-for permissions exactly (the guard only satisfies the
        // platform analyzer: mknod above has already failed on anything but Linux).
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
