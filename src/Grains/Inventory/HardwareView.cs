using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Inventory;

/// <summary>A fresh sysfs read of one configured PF and its VFs: driver, netdev, NUMA node, link and each VF's driver and netdev.</summary>
public static class HardwareView
{
    /// <summary>What sysfs shows of <paramref name="pf"/> now.</summary>
    public static PhysicalFunctionSnapshot Read(IPciDevices pci, InventoryPhysicalFunction pf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pci);
        ArgumentNullException.ThrowIfNull(pf);
        var function = pci.GetFunction(pf.Address);
        var vfs = pf.VirtualFunctions
            .Select(vf => (vf.VfNumber, Info: pci.GetFunction(vf.Address)))
            .Select(x => new VirtualFunctionState(x.Info.Address, x.VfNumber, x.Info.IommuGroup, x.Info.Driver,
                x.Info.NetInterfaces.Count == 1 ? x.Info.NetInterfaces[0] : null, x.Info.NumaNode))
            .ToList();
        return new PhysicalFunctionSnapshot(pf.Address, function.Driver,
            function.NetInterfaces.Count == 1 ? function.NetInterfaces[0] : null, function.NumaNode, vfs, now, function.OperState);
    }

    /// <summary>
    /// Every PF of the inventory as sysfs shows it; a PF that cannot be read (its device went away) is left out rather
    /// than failing the node's report.
    /// </summary>
    public static IReadOnlyList<PhysicalFunctionSnapshot> ReadAll(IPciDevices pci, NodeInventory inventory, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var list = new List<PhysicalFunctionSnapshot>(inventory.PhysicalFunctions.Count);
        foreach (var pf in inventory.PhysicalFunctions)
        {
            try
            {
                list.Add(Read(pci, pf, now));
            }
            catch (Exception ex) when (ex is PciException or IOException)
            {
                // Shown as missing from the hardware list; the node's log names the device on its next bind.
            }
        }

        return list;
    }
}
