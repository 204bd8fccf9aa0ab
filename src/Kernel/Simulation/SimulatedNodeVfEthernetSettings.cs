using System.Globalization;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.VfEthernet;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>
/// SIMULATION ONLY (docs/decisions/003-simulated-vf-ethernet-settings.md): the simulated node's PF is a veth without a
/// VF table, so the MAC is set on the VF's own netdev (where it is now, usually the client namespace) and both values
/// are recorded in the simulated sysfs tree as <c>&lt;pf&gt;/sriov/&lt;n&gt;/mac</c> and <c>vlan</c>, the layout mlx5
/// exposes for its legacy SR-IOV mode. A real VLAN cannot be shown on a veth; the file is what tests read back.
/// </summary>
public sealed class SimulatedNodeVfEthernetSettings(IRouteNetlinkFactory netlink, IOptions<PciOptions> pci) : IVfEthernetSettings
{
    /// <summary>The folder holding the simulated VF's recorded settings.</summary>
    public static string SettingsDirectory(string devicesPath, string pfAddress, int vfNumber) =>
        Path.Combine(devicesPath, pfAddress, "sriov", vfNumber.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public void Apply(VfEthernetTarget target, PhysicalAddress? mac, int vlan)
    {
        if (mac is not null && target.InterfaceName is { } name)
        {
            if (target.Namespace is not null && target.NetlinkInNamespace is { } kept)
            {
                kept.SetMac(name, mac);
            }
            else
            {
                using var rtnl = target.Namespace is { } ns ? netlink.OpenIn(ns) : netlink.OpenHost();
                rtnl.SetMac(name, mac);
            }
        }

        var directory = Directory(target);
        if (mac is not null)
        {
            WriteInPlace(Path.Combine(directory, "mac"), Format(mac) + "\n");
        }

        if (vlan != 0)
        {
            WriteInPlace(Path.Combine(directory, "vlan"), vlan.ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }

    /// <inheritdoc />
    public void Reset(VfEthernetTarget target)
    {
        // Like a real VF whose admin MAC is cleared, the netdev keeps its current address; only the record is cleared.
        var directory = Directory(target);
        WriteInPlace(Path.Combine(directory, "mac"), "00:00:00:00:00:00\n");
        WriteInPlace(Path.Combine(directory, "vlan"), "0\n");
    }

    private string Directory(VfEthernetTarget target)
    {
        var pfDirectory = Path.Combine(pci.Value.DevicesPath, target.PfAddress);
        if (!System.IO.Directory.Exists(pfDirectory))
        {
            throw new DirectoryNotFoundException($"failed to get PF {target.PfAddress}: {pfDirectory} does not exist in the simulated node");
        }

        var directory = SettingsDirectory(pci.Value.DevicesPath, target.PfAddress, target.VfNumber);
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    // A sysfs write costs the kernel next to nothing; truncating an ext4 file to zero and rewriting it makes ext4
    // flush it on close (auto_da_alloc), a millisecond or more. Overwriting in place and trimming keeps it cheap.
    private static void WriteInPlace(string path, string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        file.Write(bytes);
        if (file.Length > bytes.Length)
        {
            file.SetLength(bytes.Length);
        }
    }

    private static string Format(PhysicalAddress mac) =>
        string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
