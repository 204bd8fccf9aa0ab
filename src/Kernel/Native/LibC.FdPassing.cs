using System.Runtime.InteropServices;

using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.Kernel.Native;

/// <summary>Every libc import of the kernel layer, split by area; this part: the libc calls behind file-descriptor passing: <c>recvmsg</c>/<c>sendmsg</c> with <c>SCM_RIGHTS</c>, and identifying a descriptor.</summary>
internal static unsafe partial class LibC
{
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int MsgCtrunc = 0x8;
    public const int MsgNoSignal = 0x4000;
    public const int MsgCmsgCloexec = 0x40000000;

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
        var device = MakeDev(*(uint*)(buffer + 136), *(uint*)(buffer + 140));
        id = new InodeId(device, inode);
        return true;
    }
}
