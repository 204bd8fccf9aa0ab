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

        CheckDrivers(inventory, allocations.State);
        if (problems.Count > 0)
        {
            await allocations.WriteStateAsync(cancellationToken);
        }

        NodeLog.Activated(logger, node, inventory.PhysicalFunctions.Count, allocator.Pool.Count, allocations.State.Reservations.Count);
        return allocator;
    }

    // The persisted reservations are the truth for who holds a VF; a fresh sysfs read tells whether the driver still matches.
    private void CheckDrivers(NodeInventory inventory, NodeAllocationState state)
    {
        foreach (var record in state.Reservations)
        {
            var pf = inventory.Find(record.PfAddress)!;
            var expected = record.Driver == VfDriver.VfioPci ? DriverBinding.VfioPci : pf.VfKernelDriver;
            var actual = pci.GetFunction(record.VfAddress).Driver;
            if (actual != expected)
            {
                NodeLog.DriverMismatch(logger, record.VfAddress, record.ConnectionId, expected, actual ?? "none");
            }
        }
    }
}
