using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SriovForwarder.Grains.Fleet;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Benchmarks.Fleet;

/// <summary>
/// One fleet grain with 10,000 simulated nodes reporting into it (one-silo in-process cluster; every snapshot names the
/// silo, so every node is live), called through the silo's own grain factory as the fleet API does:
/// FindNodes (best first, for a driver), the whole-fleet read, report throughput, and change-to-watch latency (a
/// report until a subscribed observer hears of it).
/// </summary>
[Config(typeof(FleetBenchmarkConfig))]
public class FleetBenchmark
{
    public const int Nodes = 10_000;
    private const int ReportsPerInvoke = 1_000;

    private readonly Channel<FleetNode> _heard = Channel.CreateUnbounded<FleetNode>();
    private InProcessTestCluster _cluster = null!;
    private IFleetGrain _fleet = null!;
    private NodeSnapshot[] _snapshots = null!;
    private string _silo = null!;
    private long _sequence;
    private int _next;
    private HeardObserver _heardObserver = null!;
    private IFleetObserver _observer = null!;
    private FleetCapacityIndex _index = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public Task<IReadOnlyList<FleetMatch>> FindNodes() => _fleet.FindAsync(SyntheticNodes.Resource, 12, VfDriver.Kernel, IFleetGrain.DefaultFindLimit);

    /// <summary>Baseline: the smallest call to the same fleet grain (the resource names, three strings).</summary>
    [Benchmark(Baseline = true)]
    public Task<IReadOnlyList<string>> FleetGrainCall() => _fleet.GetResourceNamesAsync();

    /// <summary>The same question of the capacity index alone, without the grain call: what the query itself costs.</summary>
    [Benchmark]
    public List<FleetMatch> FindNodesIndexOnly() => _index.Best(SyntheticNodes.Resource, 12, VfDriver.Kernel, IFleetGrain.DefaultFindLimit, static _ => true);

    /// <summary>The largest answer the API allows (IFleetGrain.MaxFindLimit nodes): the cost grows with the limit.</summary>
    [Benchmark]
    public Task<IReadOnlyList<FleetMatch>> FindNodesMaxLimit() => _fleet.FindAsync(SyntheticNodes.Resource, 12, VfDriver.Kernel, IFleetGrain.MaxFindLimit);

    [Benchmark]
    public Task<IReadOnlyList<FleetNode>> WholeFleet() => _fleet.GetNodesAsync();

    /// <summary>1,000 one-way reports, then one call that queues behind them: the time per report processed.</summary>
    [Benchmark(OperationsPerInvoke = ReportsPerInvoke)]
    public async Task Report()
    {
        for (var i = 0; i < ReportsPerInvoke; i++)
        {
            await _fleet.ReportAsync(NextReport());
        }

        await _fleet.GetNodeAsync(SyntheticNodes.Name(0));
    }

    /// <summary>One report until the subscribed observer is told of it.</summary>
    [Benchmark]
    public async Task<FleetNode> ChangeToWatch()
    {
        var report = NextReport();
        _heardObserver.Watched = report.Node;
        await _fleet.ReportAsync(report);
        while (true)
        {
            var heard = await _heard.Reader.ReadAsync();
            if (heard.Node == report.Node && heard.Snapshot?.Sequence == report.Sequence)
            {
                return heard;
            }
        }
    }

    private NodeSnapshot NextReport()
    {
        var index = _next++ % Nodes;
        return _snapshots[index] with { Sequence = ++_sequence };
    }

    private async Task SetupAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton(TimeProvider.System));
        builder.ConfigureSilo((_, silo) => silo.UseSiloMetadata(new Dictionary<string, string>()));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        var factory = _cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        _silo = _cluster.Silos[0].SiloAddress.ToString();
        _fleet = factory.GetGrain<IFleetGrain>(IFleetGrain.Key);
        var activatedAt = DateTimeOffset.UtcNow;
        _snapshots = [.. Enumerable.Range(0, Nodes).Select(i => SyntheticNodes.Snapshot(i, _silo, 0, activatedAt))];
        foreach (var snapshot in _snapshots)
        {
            await _fleet.ReportAsync(snapshot);
        }

        // Reports are one-way: a read may overtake them, so read until all have arrived (bounded: 5 minutes, for a
        // machine loaded by other work).
        var listed = await _fleet.GetNodesAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (listed.Count(n => n.Live) < Nodes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            listed = await _fleet.GetNodesAsync();
        }

        if (listed.Count != Nodes || listed.Any(n => !n.Live))
        {
            throw new InvalidOperationException($"the fleet lists {listed.Count} nodes, {listed.Count(n => n.Live)} live; expected {Nodes} live");
        }

        _index = new FleetCapacityIndex();
        foreach (var snapshot in _snapshots)
        {
            _index.Update(snapshot.Node, null, NodeCapacity.Of(snapshot));
        }

        // The object is held here: Orleans keeps only a weak reference to an observer.
        _heardObserver = new HeardObserver(_heard.Writer);
        _observer = factory.CreateObjectReference<IFleetObserver>(_heardObserver);
        await _fleet.SubscribeAsync(_observer);
    }

    // Passes on only the node ChangeToWatch waits for, so the other benchmarks' reports do not pile up.
    private sealed class HeardObserver(ChannelWriter<FleetNode> heard) : IFleetObserver
    {
        public volatile string? Watched;

        public Task OnNodeChangedAsync(FleetNode node)
        {
            if (node.Node == Watched)
            {
                heard.TryWrite(node);
            }

            return Task.CompletedTask;
        }
    }
}
