using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Namespaces;

/// <summary>libc calls needed to open, identify and enter namespaces.</summary>
internal static partial class NamespaceNative
{
    public const int CloneNewNet = 0x40000000;
    public const int ORdOnly = 0;
    public const int OCloExec = 0x80000;
    public const int ONoFollow = 0x20000;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxBasicStats = 0x7ff;

    // _IO(0xb7, 0x3): returns the CLONE_NEW* type of a namespace file descriptor.
    public const ulong NsGetNsType = 0xb703;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nsType);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
