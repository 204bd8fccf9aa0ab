using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>Node-bound grains run only on their node's silo, and their reservations survive a silo restart.</summary>
public sealed class NodeGrainPlacementTests : IAsyncLifetime
{
    private NodeSilos _silos = null!;

    public async Task InitializeAsync() => _silos = await NodeSilos.StartAsync(2);

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task NodeGrain_EachNode_ActivatesOnThatNodesSilo()
    {
        for (var i = 0; i < 2; i++)
        {
            var snapshot = await _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(i)).GetSnapshotAsync();

            Assert.Equal(_silos.Silo(i).SiloAddress.ToString(), snapshot.Silo);
            Assert.Equal(_silos.Node(i).PhysicalFunctionAddresses, snapshot.PhysicalFunctions.Select(pf => pf.Address));
            Assert.All(snapshot.PhysicalFunctions, pf => Assert.Equal(4, pf.TotalVfs));
        }
    }

    [Fact]
    public async Task PhysicalFunctionGrain_KeyedByNode_ActivatesOnThatNodesSilo()
    {
        var node = _silos.Node(1);
        var key = NodeKeys.For(NodeSilos.NodeName(1), node.PhysicalFunctionAddresses[0]);

        var snapshot = await _silos.Grains.GetGrain<IPhysicalFunctionGrain>(key).GetSnapshotAsync();

        Assert.Equal(node.PhysicalFunctionAddresses[0], snapshot.Address);
        Assert.Equal(4, snapshot.VirtualFunctions.Count);
        Assert.Equal([0, 1, 2, 3], snapshot.VirtualFunctions.Select(vf => vf.VfNumber));
    }

    [Fact]
    public async Task NodeGrain_NodeWithoutLiveSilo_FailsFastNamingTheNode()
    {
        await _silos.Cluster.StopSiloAsync(_silos.Silo(1));

        var error = await Assert.ThrowsAsync<NodeUnavailableException>(
            () => _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(1)).GetSnapshotAsync());

        Assert.Contains("node 'node-1' has no live sriov-forwarder silo", error.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<NodeUnavailableException>(
            () => _silos.Grains.GetGrain<INodeGrain>("node-that-does-not-exist").GetSnapshotAsync());
        Assert.Contains("node-that-does-not-exist", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeGrain_AfterSiloRestart_RestoresReservationsFromTheNodesStorage()
    {
        var node = _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(1));
        var resource = (await node.GetResourceNamesAsync())[0];
        var tokens = (await node.GetDevicesAsync(resource)).Devices.Select(d => d.Id).ToList();
        var kept = await node.ReserveAsync(new ReserveRequest("conn-kept", tokens[0], VfDriver.Kernel));
        var released = await node.ReserveAsync(new ReserveRequest("conn-released", tokens[1], VfDriver.Kernel));
        Assert.True(await node.ReleaseAsync("conn-released"));

        await _silos.Cluster.RestartSiloAsync(_silos.Silo(1));

        var restored = await AfterRestart.CallAsync(() => node.GetReservationAsync("conn-kept"));
        Assert.NotNull(restored);
        Assert.Equal(kept.VfAddress, restored.VfAddress);
        Assert.Null(await node.GetReservationAsync("conn-released"));
        // Token ids are stable across the restart, and the kept VF is not handed out again.
        Assert.Equal(tokens, (await node.GetDevicesAsync(resource)).Devices.Select(d => d.Id));
        var refresh = await node.ReserveAsync(new ReserveRequest("conn-kept", tokens[0], VfDriver.Kernel));
        Assert.Equal(kept.VfAddress, refresh.VfAddress);
        var other = await node.ReserveAsync(new ReserveRequest("conn-new", tokens[2], VfDriver.Kernel));
        Assert.NotEqual(kept.VfAddress, other.VfAddress);
        Assert.Equal(released.VfAddress, other.VfAddress);
    }
}
