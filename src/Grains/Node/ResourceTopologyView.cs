using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>Builds the <see cref="ResourceTopology"/> GetPreferredAllocation weighs (decision 033).</summary>
public static class ResourceTopologyView
{
    /// <summary>The PFs offering <paramref name="resourceName"/> and its tokens, with the health ListAndWatch reports.</summary>
    /// <exception cref="Interfaces.VfAllocationException">The node offers no such resource.</exception>
    public static ResourceTopology Of(string node, NodeAllocator allocator, string resourceName, long version, Func<string, bool>? unusable = null)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        // The same devices ListAndWatch sends (device health included), so "healthy" here is what kubelet was told.
        var devices = NodeViews.Devices(node, allocator, resourceName, version, unusable);
        var numa = allocator.Inventory.PhysicalFunctions.ToDictionary(pf => pf.Address, pf => pf.NumaNode, StringComparer.Ordinal);
        var pfs = allocator.Pool.Snapshot().PhysicalFunctions
            .Where(pf => pf.ResourceNames.Contains(resourceName, StringComparer.Ordinal))
            .Select(pf => new TopologyPhysicalFunction(pf.Address, numa.GetValueOrDefault(pf.Address, -1), pf.Free))
            .ToList();
        var tokens = devices.Devices
            .Select(device => new TopologyToken(
                device.Id,
                device.Healthy,
                allocator.Tokens.GetState(device.Id) is TokenState.Allocated or TokenState.InUse,
                allocator.Pool.TryGetByToken(device.Id, out var held) ? held.PfAddress : null))
            .ToList();
        return new ResourceTopology(resourceName, pfs, tokens);
    }
}
