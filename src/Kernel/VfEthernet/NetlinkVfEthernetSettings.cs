using System.Net.NetworkInformation;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Kernel.VfEthernet;

/// <summary>
/// The hardware path: <c>ip link set &lt;pf&gt; vf &lt;n&gt; mac|vlan</c> over rtnetlink on the PF netdev, found by
/// the PF's PCI address in sysfs. The PCI devices service is looked up on first use so the chain can be composed
/// (and tested) on hosts that do not register one. One host rtnetlink connection is opened on first use and kept (issue
/// 14: a socket per KERNEL event was part of its overhead); calls on it run one at a time, each a few microseconds of
/// kernel work. A connection that failed other than by the kernel's answer is dropped and the next call opens a new one.
/// </summary>
public sealed class NetlinkVfEthernetSettings(IRouteNetlinkFactory netlink, IServiceProvider services) : IVfEthernetSettings, IDisposable
{
    private static readonly PhysicalAddress NoMac = new(new byte[6]);

    private readonly Lock _gate = new();
    private IRouteNetlink? _host;

    /// <inheritdoc />
    public void Apply(VfEthernetTarget target, PhysicalAddress? mac, int vlan)
    {
        var pf = PfNetdev(target);
        OnHost(host =>
        {
            _ = host.FindLink(pf) ?? throw new InvalidOperationException($"failed to get PF network interface: {pf} ({target.PfAddress})");
            if (mac is not null)
            {
                host.SetVfMac(pf, target.VfNumber, mac);
            }

            if (vlan != 0)
            {
                host.SetVfVlan(pf, target.VfNumber, vlan);
            }
        });
    }

    /// <inheritdoc />
    public void Reset(VfEthernetTarget target)
    {
        var pf = PfNetdev(target);
        OnHost(host =>
        {
            host.SetVfMac(pf, target.VfNumber, NoMac);
            host.SetVfVlan(pf, target.VfNumber, 0);
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _host?.Dispose();
            _host = null;
        }
    }

    private void OnHost(Action<IRouteNetlink> work)
    {
        lock (_gate)
        {
            _host ??= netlink.OpenHost();
            try
            {
                work(_host);
            }
            catch (Exception ex) when (ex is not NetlinkException and not InvalidOperationException)
            {
                _host.Dispose();
                _host = null;
                throw;
            }
        }
    }

    private string PfNetdev(VfEthernetTarget target)
    {
        var pci = services.GetService<IPciDevices>()
            ?? throw new InvalidOperationException("failed to get PF network interface: no PCI devices service is registered");
        return pci.GetNetInterfaceName(target.PfAddress);
    }
}
