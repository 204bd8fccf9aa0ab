using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Health;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Kernel.Health;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.TestSupport.Cluster;
using PluginApi = SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1.DevicePlugin;

namespace SriovForwarder.Benchmarks.Health;

/// <summary>
/// Issue 13's target: a PF losing carrier → the ListAndWatch update that shows its tokens Unhealthy, p99 ≤ 100 ms. One
/// silo on a SIMULATED node with real veths (root): the fault is the PF veth's peer set down through rtnetlink in the
/// node's namespace, so the kernel drops the PF netdev's carrier and announces it; the real link watcher and
/// <see cref="LinkHealthForwarder"/> carry it to the node grain, which pushes to a ListAndWatch stream on the plugin's unix
/// socket (the device-plugin wiring of <c>ListAndWatchLatencyBenchmark</c>). The baseline is the netlink call that sets
/// the peer down alone. The backstop's delay (a PF unplugged in the simulated sysfs, seen by the next reconcile pass
/// every <see cref="BackstopInterval"/>) is measured once per iteration cleanup and printed at the end, not benchmarked.
/// </summary>
[Config(typeof(CarrierFaultConfig))]
public class CarrierFaultBenchmark
{
    /// <summary>The reconcile period the backstop figures are taken with.</summary>
    public static readonly TimeSpan BackstopInterval = TimeSpan.FromMilliseconds(500);

    private const string Node = "bench-health-node";
    private const string Resource = "d/intel";
    private readonly List<double> _backstopMs = [];
    private readonly CancellationTokenSource _stop = new();
    private NodeSilos _silos = null!;
    private INodeGrain _grain = null!;
    private ResourcePluginServer _server = null!;
    private GrpcChannel _channel = null!;
    private AsyncServerStreamingCall<ListAndWatchResponse> _stream = null!;
    private NetworkNamespace _nodeNamespace = null!;
    private RouteNetlink _netlink = null!;
    private string _peer = null!;
    private string _pfLink = null!;
    private Task _watch = Task.CompletedTask;
    private Task _backstop = Task.CompletedTask;
    private int _iteration;
    private bool _unhealthySeen;
    private bool _peerDown;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        var sorted = _backstopMs.Order().ToList();
        Console.WriteLine($"// backstop (PF unplugged in sysfs, reconcile every {BackstopInterval.TotalMilliseconds} ms) -> ListAndWatch Unhealthy: "
            + $"n={sorted.Count} median={Percentile(sorted, 0.5):F1} ms p99={Percentile(sorted, 0.99):F1} ms max={sorted.LastOrDefault():F1} ms");
        _stop.Cancel();
        Task.WhenAll(_watch, _backstop).ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5));
        _netlink.Dispose();
        _nodeNamespace.Dispose();
        _stream.Dispose();
        _channel.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _silos.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stop.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void SetPeerDownOnly()
    {
        _netlink.SetDown(_peer);
        _peerDown = true;
    }

    [Benchmark]
    public async Task<ListAndWatchResponse> CarrierDownUntilUpdateReceived()
    {
        _netlink.SetDown(_peer);
        _peerDown = true;
        var update = await NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy));
        _unhealthySeen = true;
        return update;
    }

    [IterationCleanup]
    public void Restore()
    {
        // BenchmarkDotNet also runs the clean-up after its overhead rounds, where no fault was played: nothing to undo.
        if (!_peerDown)
        {
            return;
        }

        // The baseline only set the peer down: its Unhealthy list must arrive before the peer comes back up, or the two
        // changes can cancel out (ListAndWatch sends nothing when the list did not change) and no Healthy list would come.
        if (!_unhealthySeen)
        {
            NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy)).GetAwaiter().GetResult();
        }

        _peerDown = _unhealthySeen = false;
        _netlink.SetUp(_peer);
        NextAsync(r => r.Devices.All(d => d.Health == DeviceHealth.Healthy)).GetAwaiter().GetResult();
        // Every tenth round, one backstop figure: unplug the PF in sysfs and wait for the pass to report it.
        if (_iteration++ % 10 == 0)
        {
            var clock = Stopwatch.StartNew();
            Directory.Move(_pfLink, _pfLink + ".unplugged");
            NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy)).GetAwaiter().GetResult();
            _backstopMs.Add(clock.Elapsed.TotalMilliseconds);
            Directory.Move(_pfLink + ".unplugged", _pfLink);
            NextAsync(r => r.Devices.All(d => d.Health == DeviceHealth.Healthy)).GetAwaiter().GetResult();
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

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
        _silos = await NodeSilos.StartAsync(new NodeSilosOptions { Nodes = [Node], SimulatedNode = "pfs=1,vfs=4,capabilities=intel,domains=d", RealNetdevs = true });
        var node = _silos.Node(0);
        var factory = _silos.SiloGrains;
        _grain = factory.GetGrain<INodeGrain>(Node);
        _peer = "p" + node.PhysicalFunctionNetdevs[0];
        _pfLink = Path.Combine(node.DevicesPath, node.PhysicalFunctionAddresses[0]);
        _nodeNamespace = NetworkNamespace.Open("/var/run/netns/" + node.PrivateNamespace);
        _netlink = RouteNetlink.OpenIn(_nodeNamespace);

        var changes = new TokenChangeSignal();
        var observer = new TokenPoolObserver(changes);
        await _grain.SubscribeAsync(factory.CreateObjectReference<ITokenPoolObserver>(observer));
        var plugin = new ResourcePlugin(Resource, _grain, changes, new AllocatedTokenTracker(), TimeSpan.FromMinutes(5), TimeProvider.System);
        _server = await ResourcePluginServer.StartAsync(Path.Combine(_silos.StateRoot, "dp"), plugin, NullLoggerFactory.Instance, CancellationToken.None);
        _channel = UnixSocketChannelFactory.Create(_server.SocketPath, TimeSpan.FromSeconds(5));
        _stream = new PluginApi.DevicePluginClient(_channel).ListAndWatch(new Empty());
        await NextAsync(r => r.Devices.All(d => d.Health == DeviceHealth.Healthy));

        // The forwarder's two health sources, as HealthLoop runs them.
        _watch = new LinkHealthForwarder(new RtnetlinkLinkWatcher()).RunAsync(_grain, namespacePath: null, _stop.Token);
        _backstop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(BackstopInterval);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await _grain.CheckHealthAsync();
            }
        });
    }
}
