using System.Threading.Channels;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>
/// The fleet grain's watchers, owners, driver-aware FindAsync and the graceful-stop mark, over two simulated nodes:
/// what the fleet API, the page and the CLI show.
/// </summary>
public sealed class FleetWatchTests : IAsyncLifetime
{
    private const string Resource = "service.domain.1/intel";
    private readonly Channel<FleetNode> _heard = Channel.CreateUnbounded<FleetNode>();
    private NodeSilos _silos = null!;
    private Watcher _watcher = null!;
    private IFleetObserver _reference = null!;

    private IFleetGrain Fleet => _silos.Grains.GetGrain<IFleetGrain>(IFleetGrain.Key);

    public async Task InitializeAsync()
    {
        _silos = await NodeSilos.StartAsync(2, "pfs=2,vfs=4,capabilities=intel,domains=service.domain.1");
        _watcher = new Watcher(_heard.Writer);
        _reference = _silos.Grains.CreateObjectReference<IFleetObserver>(_watcher);
        await Fleet.GetNodesAsync();
        await Fleet.SubscribeAsync(_reference);
    }

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task Reserve_WithOwner_TheWatcherHearsTheHeldVfWithItsOwnerAndTheReleaseAfter()
    {
        var node = _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(0));
        var token = (await node.GetDevicesAsync(Resource)).Devices[0].Id;

        var reserved = await node.ReserveAsync(new ReserveRequest("conn-owned", token, VfDriver.Kernel, new VfOwner("nsc-a", "ns-1", "KERNEL")));
        var held = await HeardAsync(n => n.Snapshot?.Reservations.Any(r => r.ConnectionId == "conn-owned") == true);
        await node.ReleaseAsync("conn-owned");
        var released = await HeardAsync(n => n.Node == NodeSilos.NodeName(0) && n.Snapshot?.Reservations.Count == 0);

        var reservation = Assert.Single(held.Snapshot!.Reservations);
        Assert.Equal(new VfOwner("nsc-a", "ns-1", "KERNEL"), reservation.Owner);
        Assert.Equal(reserved.VfAddress, reservation.VfAddress);
        Assert.Contains(held.Snapshot.Hardware!, pf => pf.VirtualFunctions.Any(vf => vf.Address == reserved.VfAddress));
        Assert.True(released.Live);
    }

    [Fact]
    public async Task FindAsync_Driver_CountsOnlyVfsWhoseIommuGroupIsUnusedOrBoundToThatDriver()
    {
        var node0 = await NodeAsync(0);
        var groups = node0.Hardware!.SelectMany(pf => pf.VirtualFunctions).Take(3).ToDictionary(vf => vf.IommuGroup, _ => VfDriver.VfioPci);
        await Fleet.ReportAsync(node0 with { IommuGroupDrivers = groups, Sequence = node0.Sequence + 1 });
        await HeardAsync(n => n.Node == node0.Node && n.Snapshot?.IommuGroupDrivers.Count == 3);

        var kernel = await Fleet.FindAsync(Resource, 1, VfDriver.Kernel, IFleetGrain.DefaultFindLimit);
        var vfio = await Fleet.FindAsync(Resource, 1, VfDriver.VfioPci, IFleetGrain.DefaultFindLimit);
        var any = await Fleet.FindAsync(Resource, 1, null, IFleetGrain.DefaultFindLimit);

        Assert.Equal([(NodeSilos.NodeName(1), 8), (NodeSilos.NodeName(0), 5)], kernel.Select(m => (m.Node, m.Available)));
        Assert.Equal([(NodeSilos.NodeName(0), 8), (NodeSilos.NodeName(1), 8)], vfio.Select(m => (m.Node, m.Available)));
        Assert.Equal([8, 8], any.Select(m => m.Available));
    }

    [Fact]
    public async Task NodeStopping_FromItsSilo_ShowsTheNodeDownAtOnceUntilItReportsFromAnotherSilo()
    {
        var node0 = await NodeAsync(0);

        await Fleet.NodeStoppingAsync(node0.Node, node0.Silo);
        var down = await HeardAsync(n => n.Node == node0.Node && !n.Live);
        var listed = Assert.Single(await Fleet.GetNodesAsync(), n => n.Node == node0.Node);
        var found = await Fleet.FindNodesAsync(Resource, 1);
        await Fleet.ReportAsync(node0 with { Silo = _silos.Silo(1).SiloAddress.ToString(), ActivatedAt = node0.ActivatedAt.AddSeconds(1) });
        var back = await HeardAsync(n => n.Node == node0.Node && n.Live);

        Assert.StartsWith("stopped", down.DownReason, StringComparison.Ordinal);
        Assert.False(listed.Live);
        Assert.Equal([NodeSilos.NodeName(1)], found);
        Assert.Null(back.DownReason);
    }

    private async Task<NodeSnapshot> NodeAsync(int index)
    {
        await _silos.Grains.GetGrain<INodeGrain>(NodeSilos.NodeName(index)).GetSnapshotAsync();
        return (await Eventually.ValueAsync(
            async () => await Fleet.GetNodeAsync(NodeSilos.NodeName(index)),
            n => n?.Snapshot?.Hardware is not null,
            Eventually.DefaultPatience,
            TimeSpan.FromMilliseconds(20)))!.Snapshot!;
    }

    private async Task<FleetNode> HeardAsync(Func<FleetNode, bool> match)
    {
        // The usual patience: 5 s was short for a loaded CI machine running other test classes' silos beside this one.
        using var timeout = new CancellationTokenSource(Eventually.DefaultPatience);
        while (true)
        {
            var node = await _heard.Reader.ReadAsync(timeout.Token);
            if (match(node))
            {
                return node;
            }
        }
    }

    private sealed class Watcher(ChannelWriter<FleetNode> heard) : IFleetObserver
    {
        public Task OnNodeChangedAsync(FleetNode node)
        {
            heard.TryWrite(node);
            return Task.CompletedTask;
        }
    }
}
