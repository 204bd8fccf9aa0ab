using System.Net.NetworkInformation;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.VfEthernet;

/// <summary>
/// The hardware path: <c>ip link set &lt;pf&gt; vf &lt;n&gt; mac|vlan</c> over rtnetlink on the PF netdev, found by
/// the PF's PCI address in sysfs. The PCI devices service is looked up on first use so the chain can be composed
/// (and tested) on hosts that do not register one.
/// </summary>
public sealed class NetlinkVfEthernetSettings(IRouteNetlinkFactory netlink, IServiceProvider services) : IVfEthernetSettings
{
    private static readonly PhysicalAddress NoMac = new(new byte[6]);

    /// <inheritdoc />
    public void Apply(VfEthernetTarget target, PhysicalAddress? mac, int vlan)
    {
        var pf = PfNetdev(target);
        using var host = netlink.OpenHost();
        _ = host.FindLink(pf) ?? throw new InvalidOperationException($"failed to get PF network interface: {pf} ({target.PfAddress})");
        if (mac is not null)
        {
            host.SetVfMac(pf, target.VfNumber, mac);
        }

        if (vlan != 0)
        {
            host.SetVfVlan(pf, target.VfNumber, vlan);
        }
    }

    /// <inheritdoc />
    public void Reset(VfEthernetTarget target)
    {
        var pf = PfNetdev(target);
        using var host = netlink.OpenHost();
        host.SetVfMac(pf, target.VfNumber, NoMac);
        host.SetVfVlan(pf, target.VfNumber, 0);
    }

    private string PfNetdev(VfEthernetTarget target)
    {
        var pci = services.GetService<IPciDevices>()
            ?? throw new InvalidOperationException("failed to get PF network interface: no PCI devices service is registered");
        return pci.GetNetInterfaceName(target.PfAddress);
    }
}
