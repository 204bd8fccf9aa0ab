using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct ifinfomsg (links).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfInfoMsg
{
    public byte Family;
    public byte Pad;
    public ushort Type;
    public int Index;
    public uint Flags;
    public uint Change;
}
