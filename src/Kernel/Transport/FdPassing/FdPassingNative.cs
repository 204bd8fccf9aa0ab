using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>The libc calls behind file-descriptor passing: <c>recvmsg</c>/<c>sendmsg</c> with <c>SCM_RIGHTS</c>, and identifying a descriptor.</summary>
internal static unsafe partial class FdPassingNative
{
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int MsgCtrunc = 0x8;
    public const int MsgNoSignal = 0x4000;
    public const int MsgCmsgCloexec = 0x40000000;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int OPath = 0x200000;
    public const int OCloexec = 0x80000;
    public const int FGetFl = 3;
    public const int FSetFl = 4;
    public const int ONonblock = 0x800;
    public const int FDupFdCloexec = 1030;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxBasicStats = 0x7ff;

    /// <summary>NSM's grpcfd sends at most this many descriptors with one write.</summary>
    public const int MaxFdsPerMessage = 64;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>Size of <c>struct cmsghdr</c> on 64-bit Linux (length, level, type), which is also CMSG_ALIGN of it.</summary>
    public static readonly int CmsgHeaderSize = sizeof(nuint) + 8;

    public static int CmsgAlign(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    /// <summary>CMSG_SPACE for <paramref name="fdCount"/> descriptors.</summary>
    public static int ControlSpace(int fdCount) => CmsgHeaderSize + CmsgAlign(fdCount * sizeof(int));

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The (st_dev, st_ino) of a descriptor (or, with <paramref name="path"/>, of a path), st_dev in the kernel's 64-bit dev_t encoding.</summary>
    public static bool TryIdentify(int fd, string path, out InodeId id)
    {
        // struct statx has one layout on every architecture: stx_ino at 32, stx_dev_major/minor at 136/140.
        var buffer = stackalloc byte[256];
        if (Statx(fd, path, path.Length == 0 ? AtEmptyPath : 0, StatxBasicStats, buffer) != 0)
        {
            id = default;
            return false;
        }

        var inode = *(ulong*)(buffer + 32);
        ulong major = *(uint*)(buffer + 136);
        ulong minor = *(uint*)(buffer + 140);
        var device = ((major & 0xfffff000UL) << 32) | ((major & 0xfffUL) << 8) | ((minor & 0xffffff00UL) << 12) | (minor & 0xffUL);
        id = new InodeId(device, inode);
        return true;
    }
}
