using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct ifla_vf_mac: VF number and a 32-byte MAC field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VfMac
{
    public uint Vf;
    public MacBytes Mac;

    /// <summary>The fixed 32-byte MAC array of ifla_vf_mac.</summary>
    [InlineArray(32)]
    public struct MacBytes
    {
        private byte _element;
    }
}
