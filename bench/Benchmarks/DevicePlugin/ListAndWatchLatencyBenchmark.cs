using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// The delay from a token state change to the ListAndWatch update that shows it, received by a kubelet-like client on the
/// plugin's unix socket. The change is a connection reserving a VF through <see cref="INodeGrain.ReserveAsync"/>, which
/// closes a sibling token of the other resource; the update is the list showing that sibling Unhealthy. One silo on a
/// SIMULATED node; the plugin server, its observer subscription and the client live in the benchmark process, as in the
/// forwarder (<see cref="PluginStreamOnSimulatedNode"/>).
/// </summary>
/// <remarks>
/// Issue 14's row starts at the token change: the moment the node grain has committed the reservation (its journal write
/// returned, <see cref="CommitTimedGrainStorage"/>), after which it tells its observers in the same turn. That figure is
/// the <see cref="TokenChangeToUpdateColumn"/> columns of <see cref="ReserveUntilUpdateReceived"/>. BenchmarkDotNet's own
/// time of that method starts at the reserve call, so it also holds the grain call's way in (a call from a parked thread,
/// the reservation decision, the journal write); it is kept beside, with the reserve call alone as the baseline.
/// <see cref="Delivery"/> is how the change reaches the plugin: <see cref="TokenDelivery.LocalSink"/> is the forwarder's
/// (decision 050), <see cref="TokenDelivery.Observer"/> the Orleans observer before it (decision 042), and
/// <see cref="TokenDelivery.ObserverReadBack"/> the path before decision 042 (the stream reads the devices back from the node grain).
/// Further benchmark-only stopwatches split each measured change; the split is printed at the end of each case.
/// </remarks>
[Config(typeof(ListAndWatchLatencyConfig))]
public class ListAndWatchLatencyBenchmark
{
    private const string Node = "bench-dp-node";
    private const string Watched = "d/10G";
    private const string Used = "d/intel";
    private PluginStreamOnSimulatedNode _plugin = null!;
    private string _token = null!;
    private readonly List<ChangeTimes> _changes = [];
    private bool _closedSeen;

    /// <summary>How the node grain's change reaches the plugin's streams.</summary>
    [Params(TokenDelivery.LocalSink, TokenDelivery.Observer, TokenDelivery.ObserverReadBack)]
    public TokenDelivery Delivery { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_changes.Count > 0)
        {
            // The measured operations are the last ones of the case (after BenchmarkDotNet's warm-up).
            var measured = _changes.Skip(Math.Max(0, _changes.Count - ListAndWatchLatencyConfig.Iterations)).ToList();
            TokenChangeToUpdateColumn.Record(nameof(ReserveUntilUpdateReceived), $"{nameof(Delivery)}={Delivery}",
                [.. measured.Select(c => c.CommitToReceived)], measured.Count);
            Console.WriteLine($"// split of {nameof(ReserveUntilUpdateReceived)} ({nameof(Delivery)}={Delivery}, measured operations, n={measured.Count}): "
                + $"reserve called -> change committed {Describe(measured, c => c.CallToCommit)}; "
                + $"committed -> plugin told {Describe(measured, c => c.CommitToTold)}; "
                + $"plugin told -> client has the list {Describe(measured, c => c.ToldToReceived)}; "
                + $"committed -> client has the list {Describe(measured, c => c.CommitToReceived)}; "
                + $"reserve called -> reserve returned {Describe(measured, c => c.CallToReturned)}");
            _changes.Clear();
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
        _closedSeen = true;
        _changes.Add(new ChangeTimes(start, _plugin.LastCommit, _plugin.LastNotificationArrival, received, returned));
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
        _plugin = await PluginStreamOnSimulatedNode.StartAsync(Node, "pfs=2,vfs=16,capabilities=intel+10G,domains=d", Watched, delivery: Delivery);
        _token = (await _plugin.Grain.GetDevicesAsync(Used)).Devices[0].Id;
    }

    private static string Describe(List<ChangeTimes> changes, Func<ChangeTimes, double> part)
    {
        var values = changes.Select(part).ToList();
        return FormattableString.Invariant(
            $"median {TokenChangeToUpdateColumn.Quantile(values, 0.5):F2} ms, p99 {TokenChangeToUpdateColumn.Quantile(values, 0.99):F2} ms");
    }

    // Stopwatch timestamps of one measured change.
    private sealed record ChangeTimes(long Called, long Commit, long Told, long Received, long Returned)
    {
        public double CallToCommit => Stopwatch.GetElapsedTime(Called, Commit).TotalMilliseconds;

        public double CommitToTold => Stopwatch.GetElapsedTime(Commit, Told).TotalMilliseconds;

        public double ToldToReceived => Stopwatch.GetElapsedTime(Told, Received).TotalMilliseconds;

        public double CommitToReceived => Stopwatch.GetElapsedTime(Commit, Received).TotalMilliseconds;

        public double CallToReturned => Stopwatch.GetElapsedTime(Called, Returned).TotalMilliseconds;
    }
}
