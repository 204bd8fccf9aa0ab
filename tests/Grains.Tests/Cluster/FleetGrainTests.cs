using Orleans.Runtime;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>The fleet view over two simulated nodes: what each node reported, which nodes can serve a resource, and liveness.</summary>
public sealed class FleetGrainTests : IAsyncLifetime
{
    private const string Resource = "service.domain.1/intel";
    private SimulatedNodeSilos _silos = null!;

    private IFleetGrain Fleet => _silos.Grains.GetGrain<IFleetGrain>(IFleetGrain.Key);

    public async Task InitializeAsync() =>
        _silos = await SimulatedNodeSilos.StartAsync(2, "pfs=2,vfs=4,capabilities=intel,domains=service.domain.1");

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task GetNodes_TwoLiveNodes_ListsEachWithItsOwnSnapshot()
    {
        var nodes = await Fleet.GetNodesAsync();

        Assert.Equal([SimulatedNodeSilos.NodeName(0), SimulatedNodeSilos.NodeName(1)], nodes.Select(n => n.Node));
        for (var i = 0; i < 2; i++)
        {
            Assert.True(nodes[i].Live);
            Assert.NotNull(nodes[i].ReportedAt);
            var snapshot = Assert.IsType<NodeSnapshot>(nodes[i].Snapshot);
            Assert.Equal(_silos.Node(i).PhysicalFunctionAddresses, snapshot.PhysicalFunctions.Select(pf => pf.Address));
            Assert.Equal(new ResourceSummary(Resource, 8, 8, 0, 0, 0), Assert.Single(snapshot.Resources));
        }
    }

    [Fact]
    public async Task Report_NodeSnapshot_ReplacesTheNodesEntryAndItsResourceCounts()
    {
        var node0 = await NodeAsync(0);
        var busy = node0 with { Resources = [new ResourceSummary(Resource, 8, 1, 2, 5, 0)] };

        await Fleet.ReportAsync(busy);

        var listed = Assert.Single(await Fleet.GetNodesAsync(), n => n.Node == SimulatedNodeSilos.NodeName(0));
        Assert.Equal(new ResourceSummary(Resource, 8, 1, 2, 5, 0), Assert.Single(listed.Snapshot!.Resources));
    }

    [Fact]
    public async Task FindNodes_PerResource_ListsOnlyLiveNodesWithEnoughFreeTokens()
    {
        var node0 = await NodeAsync(0);
        await Fleet.ReportAsync(node0 with { Resources = [new ResourceSummary(Resource, 8, 2, 0, 6, 0)] });

        Assert.Equal([SimulatedNodeSilos.NodeName(0), SimulatedNodeSilos.NodeName(1)], await Fleet.FindNodesAsync(Resource, 2));
        Assert.Equal([SimulatedNodeSilos.NodeName(1)], await Fleet.FindNodesAsync(Resource, 3));
        Assert.Empty(await Fleet.FindNodesAsync(Resource, 9));
        Assert.Empty(await Fleet.FindNodesAsync("service.domain.9/intel", 1));
    }

    [Fact]
    public async Task GetNodes_NodeSiloStops_ListsTheNodeNotLiveAndFindNodesSkipsIt()
    {
        Assert.All(await Fleet.GetNodesAsync(), n => Assert.True(n.Live));
        // Stop the node whose silo does not host the fleet grain, so the fleet keeps what it was told.
        var fleetSilo = await _silos.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(Fleet);
        var stopped = _silos.Silo(0).SiloAddress.Equals(fleetSilo) ? 1 : 0;

        await _silos.Cluster.StopSiloAsync(_silos.Silo(stopped));

        var nodes = await Fleet.GetNodesAsync();
        var gone = Assert.Single(nodes, n => n.Node == SimulatedNodeSilos.NodeName(stopped));
        Assert.False(gone.Live);
        Assert.NotNull(gone.Snapshot);
        Assert.True(Assert.Single(nodes, n => n.Node == SimulatedNodeSilos.NodeName(1 - stopped)).Live);
        Assert.Equal([SimulatedNodeSilos.NodeName(1 - stopped)], await Fleet.FindNodesAsync(Resource, 1));
    }

    // Through the fleet: it activates the node grains, whose own activation reports reach the fleet's queue before its
    // answer does, so a report the test sends afterwards is the last one the fleet hears.
    private async Task<NodeSnapshot> NodeAsync(int index) =>
        Assert.Single(await Fleet.GetNodesAsync(), n => n.Node == SimulatedNodeSilos.NodeName(index)).Snapshot!;
}
