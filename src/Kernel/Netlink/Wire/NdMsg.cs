using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct ndmsg (neighbours).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NdMsg
{
    public byte Family;
    public byte Pad1;
    public ushort Pad2;
    public int Index;
    public ushort State;
    public byte Flags;
    public byte Type;
}
