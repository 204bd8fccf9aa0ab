using System.Runtime.InteropServices;

namespace SriovForwarder.Kernel.Netlink.Wire;

/// <summary>struct ifla_vf_vlan.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VfVlan
{
    public uint Vf;
    public uint Vlan;
    public uint Qos;
}
