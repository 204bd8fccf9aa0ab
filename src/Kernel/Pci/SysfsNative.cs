using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Pci;

/// <summary>libc calls for sysfs attribute writes that .NET file APIs do not offer (non-blocking open, no truncate).</summary>
internal static partial class SysfsNative
{
    public const int OWronly = 0x1;
    public const int OTrunc = 0x200;
    public const int ONonblock = 0x800;
    public const int OCloexec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
