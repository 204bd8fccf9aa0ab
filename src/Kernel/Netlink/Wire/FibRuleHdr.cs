using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct fib_rule_hdr (policy rules).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FibRuleHdr
{
    public byte Family;
    public byte DestinationLength;
    public byte SourceLength;
    public byte Tos;
    public byte Table;
    public byte Reserved1;
    public byte Reserved2;
    public byte Action;
    public uint Flags;
}
