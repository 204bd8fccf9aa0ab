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
/// the push (observer → stream → socket).
/// </summary>
[Config(typeof(ListAndWatchLatencyConfig))]
public class ListAndWatchLatencyBenchmark
{
    private const string Node = "bench-dp-node";
    private const string Watched = "d/10G";
    private const string Used = "d/intel";
    private PluginStreamOnSimulatedNode _plugin = null!;
    private string _token = null!;
    private bool _closedSeen;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _plugin.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<VfReservation> ReserveOnly()
    {
        _closedSeen = false;
        return _plugin.Grain.ReserveAsync(new ReserveRequest("bench-connection", _token, VfDriver.Kernel));
    }

    [Benchmark]
    public async Task<ListAndWatchResponse> ReserveUntilUpdateReceived()
    {
        await _plugin.Grain.ReserveAsync(new ReserveRequest("bench-connection", _token, VfDriver.Kernel));
        var update = await _plugin.NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy));
        _closedSeen = true;
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
        _plugin = await PluginStreamOnSimulatedNode.StartAsync(Node, "pfs=2,vfs=16,capabilities=intel+10G,domains=d", Watched);
        _token = (await _plugin.Grain.GetDevicesAsync(Used)).Devices[0].Id;
    }
}
