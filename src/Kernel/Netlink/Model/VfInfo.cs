using System.Net.NetworkInformation;

namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>The administrative settings of one VF as its PF reports them (<c>ip link show &lt;pf&gt;</c> "vf N" lines).</summary>
/// <param name="Vf">The VF number.</param>
/// <param name="Mac">The administratively set MAC (all zeros when unset).</param>
/// <param name="Vlan">The VLAN id, 0 for none.</param>
/// <param name="Qos">The VLAN QoS (priority) bits.</param>
public sealed record VfInfo(int Vf, PhysicalAddress Mac, int Vlan, int Qos);
