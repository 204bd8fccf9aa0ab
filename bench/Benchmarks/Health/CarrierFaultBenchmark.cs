using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Benchmarks.DevicePlugin;
using SriovForwarder.Grains.Health;
using SriovForwarder.Kernel.Health;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Benchmarks.Health;

/// <summary>
/// Issue 13's target: a PF losing carrier → the ListAndWatch update that shows its tokens Unhealthy, p99 ≤ 100 ms. One
/// silo on a SIMULATED node with real veths (root): the fault is the PF veth's peer set down through rtnetlink in the
/// node's namespace, so the kernel drops the PF netdev's carrier and announces it; the real link watcher and
/// <see cref="LinkHealthForwarder"/> carry it to the node grain, which pushes to a ListAndWatch stream on the plugin's unix
/// socket (<see cref="PluginStreamOnSimulatedNode"/>, shared with <c>ListAndWatchLatencyBenchmark</c>). The baseline is
/// the netlink call that sets the peer down alone. The backstop's delay (a PF unplugged in the simulated sysfs, seen by
/// the next reconcile pass every <see cref="BackstopInterval"/>) is measured in every tenth iteration cleanup and printed
/// at the end, not benchmarked.
/// </summary>
[Config(typeof(CarrierFaultConfig))]
public class CarrierFaultBenchmark
{
    /// <summary>The reconcile period the backstop figures are taken with.</summary>
    public static readonly TimeSpan BackstopInterval = TimeSpan.FromMilliseconds(500);

    private const string Node = "bench-health-node";
    private const string Resource = "d/intel";
    private readonly List<double> _backstopMs = [];
    private readonly List<double> _eventMs = [];
    private SubscribedLinkWatcher _watcher = null!;
    private readonly CancellationTokenSource _stop = new();
    private PluginStreamOnSimulatedNode _plugin = null!;
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
        var events = _eventMs.Order().ToList();
        Console.WriteLine($"// peer down -> link watcher has the carrier loss (part of {nameof(CarrierDownUntilUpdateReceived)}, all its rounds): "
            + $"n={events.Count} median={Percentile(events, 0.5):F1} ms p99={Percentile(events, 0.99):F1} ms max={events.LastOrDefault():F1} ms");
        _stop.Cancel();
        Task.WhenAll(_watch, _backstop).ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5));
        _netlink.Dispose();
        _nodeNamespace.Dispose();
        _plugin.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
        var start = Stopwatch.GetTimestamp();
        _netlink.SetDown(_peer);
        _peerDown = true;
        var update = await _plugin.NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy));
        _unhealthySeen = true;
        // Apart from the measured time: how much of it passed before the watcher had the kernel's announcement.
        _eventMs.Add(Stopwatch.GetElapsedTime(start, _watcher.LastCarrierLoss).TotalMilliseconds);
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
            try
            {
                _plugin.NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy)).GetAwaiter().GetResult();
            }
            catch (TimeoutException e)
            {
                var health = _plugin.Grain.GetHealthAsync().GetAwaiter().GetResult();
                var link = System.Diagnostics.Process.Start(new ProcessStartInfo("ip", ["-o", "link", "show", "dev", _plugin.Silos.Node(0).PhysicalFunctionNetdevs[0]]) { RedirectStandardOutput = true })!;
                link.WaitForExit();
                throw new TimeoutException($"{e.Message}; grain health [{string.Join("; ", health.Select(h => h.Address + ": " + h.Reason))}]; watch {_watch.Status}; {link.StandardOutput.ReadToEnd()}", e);
            }
        }

        _peerDown = _unhealthySeen = false;
        _netlink.SetUp(_peer);
        _plugin.NextAsync(r => r.Devices.All(d => d.Health == DeviceHealth.Healthy)).GetAwaiter().GetResult();
        // Every tenth round, one backstop figure: unplug the PF in sysfs and wait for the pass to report it.
        if (_iteration++ % 10 == 0)
        {
            var clock = Stopwatch.StartNew();
            Directory.Move(_pfLink, _pfLink + ".unplugged");
            _plugin.NextAsync(r => r.Devices.Any(d => d.Health == DeviceHealth.Unhealthy)).GetAwaiter().GetResult();
            _backstopMs.Add(clock.Elapsed.TotalMilliseconds);
            Directory.Move(_pfLink + ".unplugged", _pfLink);
            _plugin.NextAsync(r => r.Devices.All(d => d.Health == DeviceHealth.Healthy)).GetAwaiter().GetResult();
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private async Task SetupAsync()
    {
        _plugin = await PluginStreamOnSimulatedNode.StartAsync(Node, "pfs=1,vfs=4,capabilities=intel,domains=d", Resource, realNetdevs: true);
        var node = _plugin.Silos.Node(0);
        _peer = "p" + node.PhysicalFunctionNetdevs[0];
        _pfLink = Path.Combine(node.DevicesPath, node.PhysicalFunctionAddresses[0]);
        _nodeNamespace = NetworkNamespace.Open("/var/run/netns/" + node.PrivateNamespace);
        _netlink = RouteNetlink.OpenIn(_nodeNamespace);
        var watched = await _plugin.Grain.GetPhysicalFunctionNetdevsAsync();
        if (!watched.Contains(node.PhysicalFunctionNetdevs[0]))
        {
            throw new InvalidOperationException($"the node grain knows PF netdevs [{string.Join(", ", watched)}], not {node.PhysicalFunctionNetdevs[0]}: the link watch would ignore the fault");
        }

        // The forwarder's two health sources, as HealthLoop runs them; measuring starts once the link watch is subscribed.
        _watcher = new SubscribedLinkWatcher(new RtnetlinkLinkWatcher(), node.PhysicalFunctionNetdevs[0]);
        _watch = new LinkHealthForwarder(_watcher).RunAsync(_plugin.Grain, namespacePath: null, _stop.Token);
        await Task.WhenAny(_watcher.Subscribed, _watch).WaitAsync(PluginStreamOnSimulatedNode.Patience);
        if (_watch.IsCompleted)
        {
            await _watch; // the watch failed: its exception says why
        }

        var grain = _plugin.Grain;
        _backstop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(BackstopInterval);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await grain.CheckHealthAsync();
            }
        });
    }
}
