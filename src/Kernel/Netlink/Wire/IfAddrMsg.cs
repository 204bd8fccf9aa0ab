using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct ifaddrmsg (addresses).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfAddrMsg
{
    public byte Family;
    public byte PrefixLength;
    public byte Flags;
    public byte Scope;
    public int Index;
}
