using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Native;

/// <summary>Every libc import of the kernel layer, split by area; this part: binding a netlink socket to multicast groups and a receive timeout.</summary>
internal static partial class LibC
{
    public const int SoRcvBuf = 8;
    public const int SoRcvTimeo = 20;
    public const int ENoBufs = 105;

    /// <summary>RTMGRP_LINK: link (netdev) add, change and remove notifications.</summary>
    public const uint RtmGrpLink = 1;

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static unsafe partial int Bind(int fd, SockAddrNetlink* address, int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static unsafe partial int SetSockOptTimeval(int fd, int level, int name, TimeVal* value, int length);

    /// <summary>struct sockaddr_nl.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrNetlink
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    /// <summary>struct timeval (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }
}
