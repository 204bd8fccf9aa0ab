using Microsoft.Extensions.Logging;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// Brings a node grain's activation back to where the last one left off: reads the hardware, builds the pools with
/// the persisted token ids, puts the persisted allocations and reservations back, and checks each reserved VF's
/// driver against sysfs. Problems are logged, never fatal: the node serves what still fits its hardware.
/// </summary>
public sealed class NodeRestore(INodeInventorySource inventorySource, IPciDevices pci, ILogger logger)
{
    /// <summary>Restores from <paramref name="tokenIds"/> and <paramref name="allocations"/>, writing back whatever had to change.</summary>
    public async Task<NodeAllocator> RestoreAsync(
        string node,
        IPersistentState<NodeTokenIdsState> tokenIds,
        IPersistentState<NodeAllocationState> allocations,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(allocations);
        var inventory = await inventorySource.LoadAsync(cancellationToken);
        var allocator = new NodeAllocator(inventory, tokenIds.State.TokenIds);
        if (allocator.TokenIdsChanged)
        {
            tokenIds.State.TokenIds = [.. allocator.CreatedTokenIds];
            await tokenIds.WriteStateAsync(cancellationToken);
        }

        var problems = allocator.Restore(allocations.State);
        foreach (var problem in problems)
        {
            NodeLog.RestoreProblem(logger, node, problem);
        }

        await RepairDriversAsync(inventory, allocations.State, cancellationToken);
        if (problems.Count > 0)
        {
            await allocations.WriteStateAsync(cancellationToken);
        }

        NodeLog.Activated(logger, node, inventory.PhysicalFunctions.Count, allocator.Pool.Count, allocations.State.Reservations.Count);
        return allocator;
    }

    // The persisted reservations are the truth for who holds a VF and on which driver. A kill between a group's unbind
    // and its bind leaves a reserved VF on no driver (or the old one): bind the group as recorded now, before device
    // health sees the half-done bind as a fault and refuses the connection's retry or refresh that would have finished it.
    private async Task RepairDriversAsync(NodeInventory inventory, NodeAllocationState state, CancellationToken cancellationToken)
    {
        foreach (var record in state.Reservations)
        {
            var pf = inventory.Find(record.PfAddress)!;
            var expected = ExpectedDriver(pf, record.Driver);
            var actual = pci.GetFunction(record.VfAddress).Driver;
            if (actual == expected)
            {
                continue;
            }

            NodeLog.DriverMismatch(logger, record.VfAddress, record.ConnectionId, expected, actual ?? "none");
            try
            {
                var bindings = pci.GetIommuGroupMembers(record.IommuGroup)
                    .Select(address => new DriverBinding(address, ExpectedDriver(OwnerOf(inventory, address, record.IommuGroup), record.Driver)))
                    .ToList();
                await pci.BindAsync(bindings, cancellationToken);
                NodeLog.DriverRepaired(logger, record.IommuGroup, record.VfAddress, expected);
            }
            catch (Exception ex) when (ex is PciException or IOException or UnauthorizedAccessException or TimeoutException)
            {
                NodeLog.DriverRepairFailed(logger, record.IommuGroup, record.VfAddress, expected, ex.Message);
            }
        }
    }

    private static string ExpectedDriver(InventoryPhysicalFunction pf, VfDriver driver) =>
        driver == VfDriver.VfioPci ? DriverBinding.VfioPci : pf.VfKernelDriver;

    // Only VFs of configured PFs are ever rebound; a group holding anything else is left to the operator.
    private static InventoryPhysicalFunction OwnerOf(NodeInventory inventory, string address, int iommuGroup) =>
        inventory.PhysicalFunctions.FirstOrDefault(pf => pf.VirtualFunctions.Any(vf => vf.Address == address))
        ?? throw new PciException($"IOMMU group {iommuGroup} contains {address}, which is not a VF of a configured physical function");
}
