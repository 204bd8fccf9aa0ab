using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Native;

/// <summary>Every libc import of the kernel layer, split by area; this part: opening, identifying and entering namespaces.</summary>
internal static partial class LibC
{
    public const int CloneNewNet = 0x40000000;

    // _IO(0xb7, 0x3): returns the CLONE_NEW* type of a namespace file descriptor.
    public const ulong NsGetNsType = 0xb703;

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nsType);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request);
}
