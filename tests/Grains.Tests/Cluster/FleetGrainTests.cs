using Orleans.Runtime;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>The fleet view over two simulated nodes: what each node reported, which nodes can serve a resource, and liveness.</summary>
public sealed class FleetGrainTests : IAsyncLifetime
{
    private const string Resource = "service.domain.1/intel";
    private NodeSilos _silos = null!;

    private IFleetGrain Fleet => _silos.Grains.GetGrain<IFleetGrain>(IFleetGrain.Key);

    public async Task InitializeAsync() =>
        _silos = await NodeSilos.StartAsync(2, "pfs=2,vfs=4,capabilities=intel,domains=service.domain.1");

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task GetNodes_TwoLiveNodes_ListsEachWithItsOwnSnapshot()
    {
        var nodes = await Fleet.GetNodesAsync();

        Assert.Equal([NodeSilos.NodeName(0), NodeSilos.NodeName(1)], nodes.Select(n => n.Node));
        for (var i = 0; i < 2; i++)
        {
            Assert.True(nodes[i].Live);
            Assert.NotNull(nodes[i].ReportedAt);
            var snapshot = Assert.IsType<NodeSnapshot>(nodes[i].Snapshot);
            Assert.Equal(_silos.Node(i).PhysicalFunctionAddresses, snapshot.PhysicalFunctions.Select(pf => pf.Address));
            Assert.Equal(new ResourceSummary(Resource, 8, 8, 0, 0, 0, Healthy: 8, Unhealthy: 0), Assert.Single(snapshot.Resources));
        }
    }

    [Fact]
    public async Task Report_NodeSnapshot_ReplacesTheNodesEntryAndItsResourceCounts()
    {
        var node0 = await NodeAsync(0);
        var busy = node0 with { Resources = [new ResourceSummary(Resource, 8, 1, 2, 5, 0)] };

        var listed = await ReportAsync(busy);

        Assert.Equal(new ResourceSummary(Resource, 8, 1, 2, 5, 0), Assert.Single(listed.Snapshot!.Resources));
    }

    [Fact]
    public async Task FindNodes_PerResource_ListsOnlyLiveNodesWithEnoughFreeTokens()
    {
        var node0 = await NodeAsync(0);
        await ReportAsync(node0 with { Resources = [new ResourceSummary(Resource, 8, 2, 0, 6, 0)] });

        // Best first: node 1 can give all 8, node 0 only its 2 free tokens.
        Assert.Equal([NodeSilos.NodeName(1), NodeSilos.NodeName(0)], await Fleet.FindNodesAsync(Resource, 2));
        Assert.Equal([NodeSilos.NodeName(1)], await Fleet.FindNodesAsync(Resource, 3));
        Assert.Empty(await Fleet.FindNodesAsync(Resource, 9));
        Assert.Empty(await Fleet.FindNodesAsync("service.domain.9/intel", 1));
    }

    [Fact]
    public async Task FindAsync_LimitOne_AnswersTheBestNodeOnlyAndResourceNamesListWhatIsOffered()
    {
        var node0 = await NodeAsync(0);
        await ReportAsync(node0 with { Resources = [new ResourceSummary(Resource, 8, 2, 0, 6, 0)] });

        var best = await Fleet.FindAsync(Resource, 1, null, 1);
        var names = await Fleet.GetResourceNamesAsync();

        Assert.Equal([NodeSilos.NodeName(1)], best.Select(m => m.Node));
        Assert.Equal([Resource], names);
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
        var gone = Assert.Single(nodes, n => n.Node == NodeSilos.NodeName(stopped));
        Assert.False(gone.Live);
        Assert.NotNull(gone.Snapshot);
        Assert.True(Assert.Single(nodes, n => n.Node == NodeSilos.NodeName(1 - stopped)).Live);
        Assert.Equal([NodeSilos.NodeName(1 - stopped)], await Fleet.FindNodesAsync(Resource, 1));
    }

    // ReportAsync is one-way: the client may route it and the next call through different gateways, so the next read
    // can overtake it. Reads until the fleet lists the reported snapshot, with the usual patience (2 s was short for a
    // loaded CI machine running other test classes' silos beside this one).
    private async Task<FleetNode> ReportAsync(NodeSnapshot snapshot)
    {
        await Fleet.ReportAsync(snapshot);
        return await Eventually.ValueAsync(
            async () => Assert.Single(await Fleet.GetNodesAsync(), n => n.Node == snapshot.Node),
            listed => listed.Snapshot?.Resources.SequenceEqual(snapshot.Resources) == true,
            Eventually.DefaultPatience,
            TimeSpan.FromMilliseconds(20));
    }

    // Activates the node grains first, so their own activation reports (one-way, and the only reports while nothing
    // changes) reach the fleet rounds before the report a test sends afterwards, which is then the last one it hears.
    private async Task<NodeSnapshot> NodeAsync(int index)
    {
        for (var i = 0; i < 2; i++)
        {
            await _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(i)).GetSnapshotAsync();
        }

        await Fleet.GetNodesAsync();
        return Assert.Single(await Fleet.GetNodesAsync(), n => n.Node == NodeSilos.NodeName(index)).Snapshot!;
    }
}
