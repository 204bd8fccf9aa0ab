using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// The delay from a token state change (a connection reserving a VF through <see cref="INodeGrain.ReserveAsync"/>,
/// which closes a sibling token of the other resource) to the ListAndWatch update that shows the sibling
/// Unhealthy, received by a kubelet-like client on the plugin's unix socket. One silo on a SIMULATED node;
/// the plugin server, its observer subscription and the client live in the benchmark process, as in the
/// forwarder (<see cref="PluginStreamOnSimulatedNode"/>). The baseline is the reserve call alone, so the difference is
/// the push (observer → stream → socket). <see cref="PushDevices"/> false is the path before decision 042 (the stream
/// reads the devices back from the node grain), for a comparison in one run. A benchmark-only stopwatch splits each
/// measured change at the plugin's observer; the split is printed at the end.
/// </summary>
[Config(typeof(ListAndWatchLatencyConfig))]
public class ListAndWatchLatencyBenchmark
{
    private const string Node = "bench-dp-node";
    private const string Watched = "d/10G";
    private const string Used = "d/intel";
    private PluginStreamOnSimulatedNode _plugin = null!;
    private string _token = null!;
    private readonly List<double> _toObserverMs = [];
    private readonly List<double> _observerToClientMs = [];
    private readonly List<double> _reserveReturnedMs = [];
    private bool _closedSeen;

    /// <summary>Whether the node grain's notification carries the devices (decision 042) or the stream reads them back.</summary>
    [Params(true, false)]
    public bool PushDevices { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_toObserverMs.Count > 0)
        {
            Console.WriteLine($"// split of {nameof(ReserveUntilUpdateReceived)} (PushDevices={PushDevices}, all rounds incl. warm-up, n={_toObserverMs.Count}): "
                + $"reserve called -> plugin's observer told {Describe(_toObserverMs)}; observer told -> client has the list {Describe(_observerToClientMs)}; "
                + $"reserve called -> reserve returned {Describe(_reserveReturnedMs)}");
        }

        _plugin.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<VfReservation> ReserveOnly()
    {
        _closedSeen = false;
        return _plugin.Grain.ReserveAsync(new ReserveRequest("bench-connection", _token, VfDriver.Kernel));
    }

    [Benchmark]
    public async Task<ListAndWatchResponse> ReserveUntilUpdateReceived()
    {
        var start = Stopwatch.GetTimestamp();
        await _plugin.Grain.ReserveAsync(new ReserveRequest("bench-connection", _token, VfDriver.Kernel));
        var returned = Stopwatch.GetTimestamp();
        var update = await _plugin.NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy));
        var received = Stopwatch.GetTimestamp();
        var told = _plugin.LastNotificationArrival;
        _closedSeen = true;
        _toObserverMs.Add(Stopwatch.GetElapsedTime(start, told).TotalMilliseconds);
        _observerToClientMs.Add(Stopwatch.GetElapsedTime(told, received).TotalMilliseconds);
        _reserveReturnedMs.Add(Stopwatch.GetElapsedTime(start, returned).TotalMilliseconds);
        return update;
    }

    [IterationCleanup]
    public void Release()
    {
        // BenchmarkDotNet also runs the cleanup after its overhead iterations, where nothing was reserved.
        if (!_closedSeen && _plugin.Grain.GetReservationAsync("bench-connection").GetAwaiter().GetResult() is not null)
        {
            // The stream only sends changed lists: read the closed one before releasing, or it may be skipped.
            _plugin.NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy)).GetAwaiter().GetResult();
        }

        _closedSeen = true;
        if (_plugin.Grain.ReleaseAsync("bench-connection").GetAwaiter().GetResult())
        {
            // Drain to the reopened list so the next measured iteration starts from a quiet stream.
            _plugin.NextAsync(r => r.Devices.All(d => d.Health == DeviceHealth.Healthy)).GetAwaiter().GetResult();
        }
    }

    private async Task SetupAsync()
    {
        _plugin = await PluginStreamOnSimulatedNode.StartAsync(Node, "pfs=2,vfs=16,capabilities=intel+10G,domains=d", Watched, pushDevices: PushDevices);
        _token = (await _plugin.Grain.GetDevicesAsync(Used)).Devices[0].Id;
    }

    private static string Describe(List<double> values)
    {
        var sorted = values.Order().ToList();
        return FormattableString.Invariant($"median {sorted[(sorted.Count - 1) / 2]:F2} ms, p99 {sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(0.99 * sorted.Count) - 1)]:F2} ms");
    }
}
