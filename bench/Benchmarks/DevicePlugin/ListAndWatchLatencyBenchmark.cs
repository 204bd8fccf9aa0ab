using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.TestSupport.Cluster;
using PluginApi = SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1.DevicePlugin;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// The delay from a token state change (a connection reserving a VF through <see cref="INodeGrain.ReserveAsync"/>,
/// which closes a sibling token of the other resource) to the ListAndWatch update that shows the sibling
/// Unhealthy, received by a kubelet-like client on the plugin's unix socket. One silo on a SIMULATED node;
/// the plugin server, its observer subscription and the client live in the benchmark process, as in the
/// forwarder. The baseline is the reserve call alone, so the difference is the push (observer → stream → socket).
/// </summary>
[Config(typeof(ListAndWatchLatencyConfig))]
public class ListAndWatchLatencyBenchmark
{
    private const string Node = "bench-dp-node";
    private const string Watched = "d/10G";
    private const string Used = "d/intel";
    private NodeSilos _silos = null!;
    private INodeGrain _grain = null!;
    private string _token = null!;
    private ResourcePluginServer _server = null!;
    private GrpcChannel _channel = null!;
    private AsyncServerStreamingCall<ListAndWatchResponse> _stream = null!;
    private TokenPoolObserver _observer = null!;
    private bool _closedSeen;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _stream.Dispose();
        _channel.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _silos.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<VfReservation> ReserveOnly()
    {
        _closedSeen = false;
        return _grain.ReserveAsync(new ReserveRequest("bench-connection", _token, VfDriver.Kernel));
    }

    [Benchmark]
    public async Task<ListAndWatchResponse> ReserveUntilUpdateReceived()
    {
        await _grain.ReserveAsync(new ReserveRequest("bench-connection", _token, VfDriver.Kernel));
        var update = await NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy));
        _closedSeen = true;
        return update;
    }

    [IterationCleanup]
    public void Release()
    {
        // BenchmarkDotNet also runs the cleanup after its overhead iterations, where nothing was reserved.
        if (!_closedSeen && _grain.GetReservationAsync("bench-connection").GetAwaiter().GetResult() is not null)
        {
            // The stream only sends changed lists: read the closed one before releasing, or it may be skipped.
            NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy)).GetAwaiter().GetResult();
        }

        _closedSeen = true;
        if (_grain.ReleaseAsync("bench-connection").GetAwaiter().GetResult())
        {
            // Drain to the reopened list so the next measured iteration starts from a quiet stream.
            NextAsync(r => r.Devices.All(d => d.Health == DeviceHealth.Healthy)).GetAwaiter().GetResult();
        }
    }

    private async Task<ListAndWatchResponse> NextAsync(Func<ListAndWatchResponse, bool> wanted)
    {
        while (await _stream.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (wanted(_stream.ResponseStream.Current))
            {
                return _stream.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("ListAndWatch ended");
    }

    private async Task SetupAsync()
    {
        _silos = await NodeSilos.StartAsync(new NodeSilosOptions { Nodes = [Node], SimulatedNode = "pfs=2,vfs=16,capabilities=intel+10G,domains=d" });
        var factory = _silos.SiloGrains;
        _grain = factory.GetGrain<INodeGrain>(Node);
        _token = (await _grain.GetDevicesAsync(Used)).Devices[0].Id;

        // What DevicePluginManager does for one resource, without kubelet registration.
        var changes = new TokenChangeSignal();
        _observer = new TokenPoolObserver(changes);
        await _grain.SubscribeAsync(factory.CreateObjectReference<ITokenPoolObserver>(_observer));
        var plugin = new ResourcePlugin(Watched, _grain, changes, new AllocatedTokenTracker(), TimeSpan.FromMinutes(5), TimeProvider.System);
        _server = await ResourcePluginServer.StartAsync(Path.Combine(_silos.StateRoot, "dp"), plugin, NullLoggerFactory.Instance, CancellationToken.None);
        _channel = UnixSocketChannelFactory.Create(_server.SocketPath, TimeSpan.FromSeconds(5));
        _stream = new PluginApi.DevicePluginClient(_channel).ListAndWatch(new Empty());
        await NextAsync(_ => true);
    }
}
