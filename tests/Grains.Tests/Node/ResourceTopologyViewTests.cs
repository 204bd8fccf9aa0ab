using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Node;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Tests.Node;

/// <summary>What the node grain tells GetPreferredAllocation about one resource, on a node whose PFs sit on two NUMA nodes.</summary>
public sealed class ResourceTopologyViewTests
{
    private const string Shared = "sd/shared";
    private const string OnlyB = "sd/only-b";

    // PF A (NUMA 0) offers Shared; PF B (NUMA 1) offers Shared and OnlyB; two VFs each.
    private static NodeAllocator Allocator() => new(
        new NodeInventory(
        [
            Pf("0000:01:00.0", numa: 0, firstGroup: 10, [Shared]),
            Pf("0000:81:00.0", numa: 1, firstGroup: 20, [Shared, OnlyB]),
        ]),
        []);

    private static InventoryPhysicalFunction Pf(string address, int numa, int firstGroup, string[] names) => new(
        address, "ice", "iavf", names, null, numa,
        Enumerable.Range(0, 2)
            .Select(i => new VirtualFunctionInfo($"{address[..^1]}{i + 1}", i, firstGroup + i, "iavf", [], numa))
            .ToList());

    [Fact]
    public void FreshNode_PfsWithNumaAndFreeVfs_TokensHealthyHoldingNothing()
    {
        var topology = ResourceTopologyView.Of("n", Allocator(), Shared, 0);

        Assert.Equal([("0000:01:00.0", 0, 2), ("0000:81:00.0", 1, 2)], topology.PhysicalFunctions.Select(pf => (pf.Address, pf.NumaNode, pf.FreeVfs)));
        Assert.Equal(4, topology.Tokens.Count);
        Assert.All(topology.Tokens, t => Assert.Equal((true, false, (string?)null), (t.Healthy, t.Held, t.PfAddress)));
        Assert.Equal([("0000:81:00.0", 1, 2)], ResourceTopologyView.Of("n", Allocator(), OnlyB, 0).PhysicalFunctions.Select(pf => (pf.Address, pf.NumaNode, pf.FreeVfs)));
    }

    [Fact]
    public void TokenHoldingAVf_ShowsItsPfHeldAndOneFreeVfLess_SiblingClosedUnhealthy()
    {
        var allocator = Allocator();
        var token = allocator.Tokens.Snapshot().First(t => t.Name == OnlyB).Id;
        var selection = allocator.Pool.Select(token, "conn-1", VfDriver.Kernel);

        var onlyB = ResourceTopologyView.Of("n", allocator, OnlyB, 1);
        var shared = ResourceTopologyView.Of("n", allocator, Shared, 1);

        Assert.Equal("0000:81:00.0", selection.PfAddress);
        var held = Assert.Single(onlyB.Tokens, t => t.Id == token);
        Assert.Equal((true, true, "0000:81:00.0"), (held.Healthy, held.Held, held.PfAddress));
        Assert.Equal(1, Assert.Single(onlyB.PhysicalFunctions).FreeVfs);
        // The VF of B used through OnlyB closes one Shared token: kubelet sees it unhealthy.
        Assert.Single(shared.Tokens, t => !t.Healthy);
        Assert.Equal([2, 1], shared.PhysicalFunctions.Select(pf => pf.FreeVfs));
    }

    [Fact]
    public void UnknownResource_RefusedNamingIt()
    {
        var error = Assert.Throws<VfAllocationException>(() => ResourceTopologyView.Of("n", Allocator(), "sd/none", 0));

        Assert.Contains("sd/none", error.Message, StringComparison.Ordinal);
    }
}
