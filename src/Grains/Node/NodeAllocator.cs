using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// The node's token pool and resource pool built from its inventory, with the persisted token ids,
/// allocations and reservations put back. Plain class: the node grain serialises every call.
/// </summary>
public sealed class NodeAllocator
{
    private readonly Dictionary<string, InventoryPhysicalFunction> _pfByAddress;

    /// <summary>Builds the pools; token ids are taken from <paramref name="persistedTokenIds"/> in creation order, new ones made for the rest.</summary>
    public NodeAllocator(NodeInventory inventory, IReadOnlyList<string> persistedTokenIds)
    {
        Inventory = inventory;
        _pfByAddress = inventory.PhysicalFunctions.ToDictionary(pf => pf.Address, StringComparer.Ordinal);
        var poolPfs = inventory.PhysicalFunctions
            .Select(pf => new PoolPhysicalFunction(
                pf.Address,
                pf.ResourceNames,
                pf.VirtualFunctions.Select(vf => new PoolVirtualFunction(vf.Address, vf.VfNumber, vf.IommuGroup)).ToList()))
            .ToList();

        var reused = new HashSet<string>(StringComparer.Ordinal);
        var next = 0;
        var created = new List<string>();
        Tokens = new TokenPool(poolPfs, () =>
        {
            // Persisted ids come back in the same order for the same hardware; a duplicate would mean a corrupt file.
            var id = next < persistedTokenIds.Count && reused.Add(persistedTokenIds[next]) ? persistedTokenIds[next] : TokenId.New();
            next++;
            created.Add(id);
            return id;
        });
        CreatedTokenIds = created;
        TokenIdsChanged = !created.SequenceEqual(persistedTokenIds, StringComparer.Ordinal);
        Pool = new ResourcePool(poolPfs, Tokens);
    }

    /// <summary>The hardware the pools were built from.</summary>
    public NodeInventory Inventory { get; }

    /// <summary>The token pool (device-plugin side).</summary>
    public TokenPool Tokens { get; }

    /// <summary>The resource pool (connection side).</summary>
    public ResourcePool Pool { get; }

    /// <summary>Token ids in creation order, to persist.</summary>
    public IReadOnlyList<string> CreatedTokenIds { get; }

    /// <summary>True when the ids differ from the persisted ones (first start, or the hardware changed).</summary>
    public bool TokenIdsChanged { get; }

    /// <summary>Puts back persisted allocations and reservations; returns a description of each one that no longer fits the hardware.</summary>
    public IReadOnlyList<string> Restore(NodeAllocationState state)
    {
        var problems = new List<string>();
        foreach (var id in state.AllocatedTokenIds.ToList())
        {
            if (!Tokens.Contains(id))
            {
                problems.Add($"allocated token {id} is no longer offered by this node's configuration; forgotten");
                state.AllocatedTokenIds.Remove(id);
                continue;
            }

            Tokens.Allocate(id);
        }

        foreach (var record in state.Reservations.ToList())
        {
            try
            {
                Pool.Reserve(record.TokenId, record.ConnectionId, record.Driver, record.VfAddress);
            }
            catch (AllocationException ex)
            {
                problems.Add($"reservation of VF {record.VfAddress} by connection {record.ConnectionId} cannot be restored: {ex.Message}");
                state.Reservations.Remove(record);
            }
        }

        return problems;
    }

    /// <summary>The inventory entry of a PF.</summary>
    public InventoryPhysicalFunction GetPhysicalFunction(string pfAddress) => _pfByAddress[pfAddress];

    /// <summary>Summaries for snapshots.</summary>
    /// <param name="unusable">Tells whether a token's VF is unhealthy: such a token counts as unhealthy, as kubelet sees it.</param>
    public (IReadOnlyList<PhysicalFunctionSummary> Pfs, IReadOnlyList<ResourceSummary> Resources, IReadOnlyDictionary<int, VfDriver> Groups) Summarise(Func<string, bool>? unusable = null)
    {
        var pool = Pool.Snapshot();
        var pfs = pool.PhysicalFunctions
            .Select(pf => new PhysicalFunctionSummary(pf.Address, _pfByAddress[pf.Address].NetInterface, pf.ResourceNames, pf.Total, pf.Free, pf.InUse))
            .ToList();
        var resources = Tokens.Snapshot()
            .GroupBy(token => token.Name, StringComparer.Ordinal)
            .Select(group =>
            {
                // From the snapshot, not TokenPool.Tokens(): that call counts as kubelet's first look and would refuse the
                // start-up restore of kubelet's assignments if a fleet report came first. Closed is what kubelet sees as unhealthy.
                var healthy = group.Count(t => t.State != TokenState.Closed && unusable?.Invoke(t.Id) != true);
                return new ResourceSummary(
                    group.Key,
                    group.Count(),
                    group.Count(t => t.State == TokenState.Free),
                    group.Count(t => t.State == TokenState.Allocated),
                    group.Count(t => t.State == TokenState.InUse),
                    group.Count(t => t.State == TokenState.Closed),
                    healthy,
                    group.Count() - healthy);
            })
            .ToList();
        var groups = pool.IommuGroups.ToDictionary(group => group.Group, group => group.DriverType);
        return (pfs, resources, groups);
    }
}
