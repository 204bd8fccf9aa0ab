using System.Net.NetworkInformation;
using SriovForwarder.Kernel.Netlink.Model;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>SR-IOV VF settings made through the PF netdev.</summary>
public sealed partial class RouteNetlink
{
    /// <summary>Sets the administrative MAC of VF <paramref name="vf"/> on PF <paramref name="pf"/> (<c>ip link set pf vf N mac M</c>).</summary>
    /// <exception cref="NetlinkException">EOPNOTSUPP when the device has no VF support (e.g. a veth), EINVAL for an unknown VF.</exception>
    public void SetVfMac(string pf, int vf, PhysicalAddress mac)
    {
        InterfaceName.Validate(pf, nameof(pf));
        ArgumentOutOfRangeException.ThrowIfNegative(vf);
        ArgumentNullException.ThrowIfNull(mac);
        lock (_gate)
        {
            RtnlRequests.SetVfMac(_writer, Next(), pf, vf, mac);
            Execute(new NetlinkOperation(RtmNewLink, $"set vf {vf} mac on", pf, $"to {mac}"));
        }
    }

    /// <summary>Sets the VLAN (0 clears it) and QoS of VF <paramref name="vf"/> on PF <paramref name="pf"/> (<c>ip link set pf vf N vlan V</c>).</summary>
    /// <exception cref="NetlinkException">EOPNOTSUPP when the device has no VF support (e.g. a veth).</exception>
    public void SetVfVlan(string pf, int vf, int vlan, int qos = 0)
    {
        InterfaceName.Validate(pf, nameof(pf));
        ArgumentOutOfRangeException.ThrowIfNegative(vf);
        if (vlan is < 0 or > 4095)
        {
            throw new ArgumentOutOfRangeException(nameof(vlan), vlan, $"VLAN id for vf {vf} on {pf} must be 0..4095");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(qos);
        lock (_gate)
        {
            RtnlRequests.SetVfVlan(_writer, Next(), pf, vf, vlan, qos);
            Execute(new NetlinkOperation(RtmNewLink, $"set vf {vf} vlan on", pf, $"to {vlan}"));
        }
    }

    /// <summary>Reads the PF with its VF settings (RTM_GETLINK with IFLA_EXT_MASK = RTEXT_FILTER_VF).</summary>
    /// <remarks>Devices without SR-IOV (veth, loopback) report no IFLA_NUM_VF: <see cref="LinkInfo.VfCount"/> is null and the list empty.</remarks>
    public LinkInfo GetVfs(string pf) => QueryLink(pf, 0, withVfs: true);
}
