using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct fib_rule_port_range (host byte order).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PortRangeWire
{
    public ushort Start;
    public ushort End;
}
