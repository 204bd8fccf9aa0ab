using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Native;

/// <summary>Every libc import of the kernel layer, split by area; this part: processes and raw syscalls.</summary>
internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    // syscall(2) is variadic; on x86_64 and arm64 Linux integer variadic arguments travel as fixed ones do.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static unsafe partial long Syscall(long number, long command, byte* attr, long size);
}
