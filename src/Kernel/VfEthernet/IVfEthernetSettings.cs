using System.Net.NetworkInformation;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Kernel.VfEthernet;

/// <summary>
/// Sets a VF's administrative MAC and VLAN (upstream's ethernetcontext for VFs). On hardware this goes through the PF
/// (<see cref="NetlinkVfEthernetSettings"/>); the simulated node's PF has no VF table, so it has its own implementation
/// (<see cref="SimulatedNodeVfEthernetSettings"/>).
/// </summary>
public interface IVfEthernetSettings
{
    /// <summary>Sets the MAC (when given) and the VLAN (when not 0).</summary>
    void Apply(VfEthernetTarget target, PhysicalAddress? mac, int vlan);

    /// <summary>Clears the MAC (all zeros) and the VLAN (0).</summary>
    void Reset(VfEthernetTarget target);
}
