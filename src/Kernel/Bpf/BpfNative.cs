using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Bpf;

/// <summary>libc entry points behind the bpf layer: <c>syscall(SYS_bpf, ...)</c> (glibc has no bpf wrapper), open and close.</summary>
internal static partial class BpfNative
{
    /// <summary>SYS_bpf: 321 on x86_64, 280 on arm64 (asm-generic numbering).</summary>
    internal static long SyscallNumber { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"the bpf syscall number is not known for {other}"),
    };

    /// <summary>Runs one bpf command; returns the result (an fd for commands that create one) or -1 with the errno.</summary>
    internal static unsafe long Bpf(BpfCommand command, byte* attr, int size, out int errno)
    {
        var result = LibC.Syscall(SyscallNumber, (long)command, attr, size);
        errno = result < 0 ? Marshal.GetLastPInvokeError() : 0;
        return result;
    }

    /// <summary>Opens a folder read-only (a cgroup folder is the target of attach, detach and query), returning the fd or -1 with the errno.</summary>
    internal static int OpenDirectoryFd(string path, out int errno)
    {
        var fd = LibC.Open(path, LibC.ORdOnly | LibC.ODirectory | LibC.OCloexec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }
}
