using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct nlmsghdr.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    public uint Length;
    public ushort Type;
    public ushort Flags;
    public uint Sequence;
    public uint PortId;
}
