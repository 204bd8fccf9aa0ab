using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Kernel.Health;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Health;

/// <summary>
/// One pass of the sysfs health reconcile, the backstop for faults the kernel announces no event for: each PF present
/// and on its driver; each VF still linked from its PF, present and bound as its IOMMU group's driver says (the VF
/// kernel driver, or vfio-pci with <c>/dev/vfio/&lt;group&gt;</c> present; some driver when the group is free).
/// </summary>
public static class SysfsHealthCheck
{
    /// <summary>The faults found, by PCI address; a VF of a gone PF has no entry (its PF's fault covers it).</summary>
    public static IReadOnlyDictionary<string, SysfsFault> Run(NodeInventory inventory, ResourcePoolSnapshot pool, IFunctionHealthProbe probe)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(probe);
        var groupDrivers = pool.IommuGroups.ToDictionary(g => g.Group, g => g.DriverType);
        var faults = new Dictionary<string, SysfsFault>(StringComparer.Ordinal);
        foreach (var pf in inventory.PhysicalFunctions)
        {
            if (!probe.DeviceExists(pf.Address))
            {
                faults[pf.Address] = new SysfsFault($"PF device {pf.Address} is gone (unplugged or removed)", Settled: true);
                continue;
            }

            var pfDriver = probe.DriverOf(pf.Address);
            if (pfDriver != pf.PfKernelDriver)
            {
                faults[pf.Address] = new SysfsFault($"PF {pf.Address} is bound to {pfDriver ?? "no driver"}, expected {pf.PfKernelDriver}", Settled: false);
            }

            foreach (var vf in pf.VirtualFunctions)
            {
                if (CheckVf(pf, vf, groupDrivers.GetValueOrDefault(vf.IommuGroup), probe) is { } fault)
                {
                    faults[vf.Address] = fault;
                }
            }
        }

        return faults;
    }

    private static SysfsFault? CheckVf(InventoryPhysicalFunction pf, VirtualFunctionInfo vf, VfDriver groupDriver, IFunctionHealthProbe probe)
    {
        if (probe.VirtualFunctionAddress(pf.Address, vf.VfNumber) != vf.Address || !probe.DeviceExists(vf.Address))
        {
            return new SysfsFault($"VF {vf.VfNumber} ({vf.Address}) of PF {pf.Address} is gone (sriov_numvfs lowered or the VF removed)", Settled: true);
        }

        var driver = probe.DriverOf(vf.Address);
        return groupDriver switch
        {
            VfDriver.Kernel when driver != pf.VfKernelDriver =>
                new SysfsFault($"VF {vf.Address} is bound to {driver ?? "no driver"}, expected {pf.VfKernelDriver}", Settled: false),
            VfDriver.VfioPci when driver != DriverBinding.VfioPci =>
                new SysfsFault($"VF {vf.Address} is bound to {driver ?? "no driver"}, expected {DriverBinding.VfioPci}", Settled: false),
            VfDriver.VfioPci when !probe.VfioGroupNodeExists(vf.IommuGroup) =>
                new SysfsFault($"VFIO group device /dev/vfio/{vf.IommuGroup} of VF {vf.Address} is gone", Settled: false),
            VfDriver.NoDriver when driver is null =>
                new SysfsFault($"VF {vf.Address} has no driver bound (expected {pf.VfKernelDriver} or {DriverBinding.VfioPci})", Settled: false),
            _ => null,
        };
    }
}
