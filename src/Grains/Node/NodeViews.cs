using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>The read-only pictures a node grain hands out: its snapshot (dashboard, fleet) and one resource's devices (ListAndWatch).</summary>
public static class NodeViews
{
    /// <summary>The node's capacity, tokens and reservations now.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="allocator">The node's pools.</param>
    /// <param name="state">The reservations.</param>
    /// <param name="activatedAt">When the grain activated.</param>
    /// <param name="silo">The silo hosting it.</param>
    /// <param name="unusable">Tells whether a token's VF is unhealthy (counted as unhealthy then); null: none is.</param>
    public static NodeSnapshot Snapshot(string node, NodeAllocator allocator, NodeAllocationState state, DateTimeOffset activatedAt, string silo, Func<string, bool>? unusable = null)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentNullException.ThrowIfNull(state);
        var (pfs, resources, groups) = allocator.Summarise(unusable);
        var reservations = state.Reservations.Select(r => r.ToReservation()).ToList();
        return new NodeSnapshot(node, pfs, resources, reservations, groups, activatedAt, silo);
    }

    /// <summary>The snapshot the fleet hears: <see cref="Snapshot"/> with the PFs and VFs as sysfs shows them (<paramref name="hardware"/>), the allocation latency and the report's sequence number.</summary>
    public static NodeSnapshot FleetReport(NodeSnapshot snapshot, IReadOnlyList<PhysicalFunctionSnapshot> hardware, AllocationLatency latency, long sequence)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot with
        {
            Hardware = hardware,
            Latency = latency,
            Sequence = sequence,
        };
    }

    /// <summary>The tokens of <paramref name="resourceName"/> with their health and NUMA node, at <paramref name="version"/>.</summary>
    /// <exception cref="VfAllocationException">The node offers no such resource.</exception>
    /// <param name="node">The node's name, for the error.</param>
    /// <param name="allocator">The node's pools.</param>
    /// <param name="resourceName">The resource.</param>
    /// <param name="version">The token-pool version the devices are at.</param>
    /// <param name="unusable">Tells whether a token's VF is unhealthy (such a token is reported Unhealthy too); null: none is.</param>
    public static ResourceDevices Devices(string node, NodeAllocator allocator, string resourceName, long version, Func<string, bool>? unusable = null)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        if (!allocator.Tokens.Tokens().TryGetValue(resourceName, out var tokens))
        {
            throw new VfAllocationException(VfAllocationFailure.InvalidRequest, $"node {node} offers no resource named {resourceName}");
        }

        var numa = NumaNodeOf(allocator, resourceName);
        var devices = tokens.Select(t => new TokenDevice(t.Key, t.Value && unusable?.Invoke(t.Key) != true, numa)).ToList();
        return new ResourceDevices(resourceName, devices, version);
    }

    // One NUMA node when every PF offering the resource sits on it; -1 (unknown) otherwise.
    private static int NumaNodeOf(NodeAllocator allocator, string resourceName)
    {
        var nodes = allocator.Inventory.PhysicalFunctions
            .Where(pf => pf.ResourceNames.Contains(resourceName, StringComparer.Ordinal))
            .Select(pf => pf.NumaNode)
            .Distinct()
            .ToList();
        return nodes.Count == 1 ? nodes[0] : -1;
    }
}
