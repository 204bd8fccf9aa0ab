using System.Globalization;
using Orleans.Runtime;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// Two real forwarder processes (two simulated nodes) clustered through a real Redis, as a fleet runs: each node's
/// grain lives in its own process, and either process's gateway shows both nodes.
/// </summary>
[Trait("Requires", "root")]
[Trait("Requires", "redis-server")]
public sealed class RedisClusterEndToEndTests : IDisposable
{
    private static readonly TimeSpan Formed = TimeSpan.FromSeconds(30);
    private readonly NsmForwarderHarness _a = new();
    private readonly NsmForwarderHarness _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [RootFact("runs two forwarders as root on simulated nodes with real veths")]
    public async Task TwoProcesses_RedisClustering_EachNodeGrainLivesInItsOwnProcessAndBothAreSeenFromEither()
    {
        await using var redis = await RedisServer.StartAsync(_a.Folder);
        var siloA = ForwarderProcess.FreePort();
        var siloB = ForwarderProcess.FreePort();
        await using var a = _a.Start("unix:///nonexistent/nsm.io.sock", Clustered("node-a", siloA, redis));
        await using var b = _b.Start("unix:///nonexistent/nsm.io.sock", Clustered("node-b", siloB, redis));
        await a.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await b.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);

        await using var viaA = await NodeClient.ConnectAsync(_a.GatewayPort, "node-b");
        await using var viaB = await NodeClient.ConnectAsync(_b.GatewayPort, "node-a");
        var bSeenFromA = await SnapshotOnceClusteredAsync(viaA.Node);
        var aSeenFromA = await SnapshotOnceClusteredAsync(viaA.Grains.GetGrain<INodeGrain>("node-a"));
        var aSeenFromB = await SnapshotOnceClusteredAsync(viaB.Node);
        var bSeenFromB = await SnapshotOnceClusteredAsync(viaB.Grains.GetGrain<INodeGrain>("node-b"));

        Assert.Equal(("node-a", "node-b"), (aSeenFromA.Node, bSeenFromA.Node));
        Assert.Contains($":{siloA.ToString(CultureInfo.InvariantCulture)}:", aSeenFromA.Silo, StringComparison.Ordinal);
        Assert.Contains($":{siloB.ToString(CultureInfo.InvariantCulture)}:", bSeenFromA.Silo, StringComparison.Ordinal);
        // One activation per node across the fleet: both gateways reach the same one.
        Assert.Equal((aSeenFromA.Silo, aSeenFromA.ActivatedAt), (aSeenFromB.Silo, aSeenFromB.ActivatedAt));
        Assert.Equal((bSeenFromA.Silo, bSeenFromA.ActivatedAt), (bSeenFromB.Silo, bSeenFromB.ActivatedAt));
        // Each node reports its own simulated hardware (--simulate=pfs=2,vfs=2), whichever gateway asks.
        Assert.Equal(4, bSeenFromA.PhysicalFunctions.Sum(p => p.TotalVfs));
        Assert.Equal(4, aSeenFromB.PhysicalFunctions.Sum(p => p.TotalVfs));
        Assert.NotEqual(aSeenFromA.PhysicalFunctions.Select(p => p.NetInterface), bSeenFromA.PhysicalFunctions.Select(p => p.NetInterface));
    }

    [RootFact("runs two forwarders as root on simulated nodes with real veths")]
    public async Task FleetView_TwoProcesses_ListsBothNodesLiveAndDropsOneWhoseProcessStops()
    {
        await using var redis = await RedisServer.StartAsync(_a.Folder);
        await using var a = _a.Start("unix:///nonexistent/nsm.io.sock", Clustered("node-a", ForwarderProcess.FreePort(), redis));
        await using var b = _b.Start("unix:///nonexistent/nsm.io.sock", Clustered("node-b", ForwarderProcess.FreePort(), redis));
        await a.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await b.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await using var client = await NodeClient.ConnectAsync(_a.GatewayPort, "node-a");
        var fleet = client.Grains.GetGrain<IFleetGrain>(IFleetGrain.Key);

        // "Ready" says each process serves, not that the fleet has heard of both: a node grain reports a moment after its
        // activation, and the other silo joins this one's membership view by gossip. Wait for what is asserted below.
        var both = await Eventually.ValueAsync(fleet.GetNodesAsync, nodes => nodes.Count == 2 && nodes.All(n => n.Live && n.Snapshot is not null), Formed);
        var canGiveTwo = await Eventually.ValueAsync(() => fleet.FindNodesAsync(NsmForwarderFixture.Resource, 2), nodes => nodes.Count == 2, Formed);
        var exitCode = await b.TerminateAsync(TimeSpan.FromSeconds(30));
        var afterStop = await Eventually.ValueAsync(
            fleet.GetNodesAsync,
            nodes => nodes.Any(n => n.Node == "node-b" && !n.Live),
            // A stopped node usually turns not-live within a second, but in some runs only after about 60 s (cause not yet
            // found: see the issue notes), so the bound is well above that.
            TimeSpan.FromSeconds(120),
            TimeSpan.FromMilliseconds(200));
        var stillCanGiveTwo = await fleet.FindNodesAsync(NsmForwarderFixture.Resource, 2);

        Assert.Equal(["node-a", "node-b"], both.Select(n => n.Node));
        Assert.All(both, n => Assert.True(n.Live && n.Snapshot is not null, $"{n.Node} live with a snapshot"));
        Assert.Equal(4, both.Single(n => n.Node == "node-b").Snapshot!.PhysicalFunctions.Sum(p => p.TotalVfs));
        Assert.Equal(["node-a", "node-b"], canGiveTwo.Order());
        Assert.Equal(0, exitCode);
        Assert.True(afterStop.Single(n => n.Node == "node-a").Live);
        Assert.Equal(["node-a"], stillCanGiveTwo);
    }

    // Right after "ready" the other process's silo may not be in this one's membership view yet, and the other node's
    // grain cannot be placed until it is (NodeUnavailableException): asked again until the cluster has formed. The
    // last try after the wait lets a lasting failure through as it is.
    private static async Task<NodeSnapshot> SnapshotOnceClusteredAsync(INodeGrain node)
    {
        var snapshot = await Eventually.ValueAsync<NodeSnapshot?>(
            async () =>
            {
                try
                {
                    return await node.GetSnapshotAsync();
                }
                catch (Exception ex) when (ex is NodeUnavailableException or OrleansException)
                {
                    return null;
                }
            },
            s => s is not null,
            Formed,
            TimeSpan.FromMilliseconds(200));
        return snapshot ?? await node.GetSnapshotAsync();
    }

    private static Dictionary<string, string> Clustered(string node, int siloPort, RedisServer redis) => new()
    {
        ["NSM_NODE_NAME"] = node,
        ["NSM_CLUSTERING"] = "redis",
        ["NSM_REDIS_CONNECTION_STRING"] = redis.ConnectionString,
        ["NSM_ADVERTISED_IP"] = "127.0.0.1",
        ["NSM_SILO_PORT"] = siloPort.ToString(CultureInfo.InvariantCulture),
    };
}
