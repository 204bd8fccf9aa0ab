using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// Whether a reserved VF's IOMMU group is already bound to the reservation's driver and ready, read from sysfs in the
/// reserve's turn (decision 049). A VF freed stays on its last driver (upstream §5.4), so a VFIO Request after a VFIO
/// Close, or a KERNEL one after a KERNEL Close, finds its group ready and skips the PF grain's bind call; the kernel
/// netdev's name comes along, which saves the PF grain's look-up as well.
/// </summary>
/// <remarks>
/// Safe to act on: the pool dedicates a group in use to one driver type, so no other connection rebinds it while this
/// reservation holds it. Anything unexpected (a member that is no VF of a configured PF, a read that fails) answers "not
/// ready", and the element binds through the PF grain as before, which refuses or binds with its usual checks.
/// </remarks>
public static class NodeDriverCheck
{
    /// <summary>The reservation with <see cref="VfReservation.DriverReady"/> and <see cref="VfReservation.NetInterface"/> as sysfs shows them now.</summary>
    public static VfReservation WithDriverState(VfReservation reservation, NodeInventory inventory, IPciDevices pci)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(pci);
        if (reservation.Driver is not (VfDriver.Kernel or VfDriver.VfioPci))
        {
            return reservation;
        }

        try
        {
            var bindings = new List<DriverBinding>();
            foreach (var member in pci.GetIommuGroupMembersOf(reservation.VfAddress))
            {
                var owner = inventory.PhysicalFunctions.FirstOrDefault(pf => pf.VirtualFunctions.Any(vf => vf.Address == member));
                if (owner is null)
                {
                    return reservation;
                }

                bindings.Add(new DriverBinding(member, reservation.Driver == VfDriver.VfioPci ? DriverBinding.VfioPci : owner.VfKernelDriver));
            }

            if (!pci.IsBound(bindings))
            {
                return reservation;
            }

            if (reservation.Driver == VfDriver.VfioPci)
            {
                return reservation with { DriverReady = true };
            }

            var names = pci.GetFunction(reservation.VfAddress).NetInterfaces;
            return names.Count == 1 ? reservation with { DriverReady = true, NetInterface = names[0] } : reservation;
        }
        catch (Exception ex) when (ex is PciException or IOException or UnauthorizedAccessException)
        {
            return reservation;
        }
    }
}
