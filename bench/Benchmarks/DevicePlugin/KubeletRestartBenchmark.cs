using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.TestSupport.Cluster;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// Kubelet restarts (issue 5: "register again within one second"): the whole <see cref="DevicePluginManager"/>
/// of a SIMULATED node (two resources) against a bench stand-in kubelet. Before each iteration the stand-in
/// stops and every file in the device-plugin folder is deleted, as a starting kubelet does; the iteration
/// binds a new <c>kubelet.sock</c> and waits until both resources have registered again on fresh sockets.
/// The method time includes the stand-in's own Kestrel start; the exact delays from the bind of kubelet.sock
/// to the first and to the last Register are printed at the end (median, p99 over the measured restarts).
/// </summary>
[Config(typeof(KubeletRestartConfig))]
public class KubeletRestartBenchmark
{
    private const string Node = "bench-dp-restart-node";
    private readonly RegisterRecorder _recorder = new();
    private readonly List<double> _toFirstMs = [];
    private readonly List<double> _toAllMs = [];
    private NodeSilos _silos = null!;
    private ServiceProvider _services = null!;
    private DevicePluginManager _manager = null!;
    private StandInKubeletRegistration? _kubelet;
    private string _pluginFolder = null!;
    private int _resources;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        // Warm-up rounds are recorded too; the last IterationCount ones are the measured restarts.
        Report("bind of kubelet.sock -> first Register", _toFirstMs);
        Report("bind of kubelet.sock -> every resource registered", _toAllMs);
        _manager.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _services.Dispose();
        _kubelet?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _silos.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void StopKubelet()
    {
        if (_kubelet is not null)
        {
            _kubelet.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _kubelet = null;
        }

        foreach (var file in Directory.GetFiles(_pluginFolder))
        {
            File.Delete(file);
        }

        // Not measured: let the manager see its sockets and kubelet go, as it would while kubelet is down.
        Thread.Sleep(300);
        _recorder.Reset(_resources);
    }

    [Benchmark]
    public async Task RestartUntilRegistered()
    {
        _kubelet = await StandInKubeletRegistration.StartAsync(Path.Combine(_pluginFolder, KubeletSocketFile.Name), _recorder);
        await _recorder.AllRegistered.WaitAsync(TimeSpan.FromSeconds(30));
        var bound = _recorder.BoundAt;
        _toFirstMs.Add(Stopwatch.GetElapsedTime(bound, _recorder.Arrivals.Values.Min()).TotalMilliseconds);
        _toAllMs.Add(Stopwatch.GetElapsedTime(bound, _recorder.Arrivals.Values.Max()).TotalMilliseconds);
    }

    private static void Report(string what, List<double> all)
    {
        var measured = all.Skip(Math.Max(0, all.Count - 100)).Order().ToList();
        if (measured.Count == 0)
        {
            return;
        }

        double At(double q) => measured[Math.Min(measured.Count - 1, (int)Math.Ceiling(q * measured.Count) - 1)];
        Console.WriteLine(
            $"// KubeletRestart: {what}: n={measured.Count} median={At(0.5):F2} ms p95={At(0.95):F2} ms p99={At(0.99):F2} ms max={measured[^1]:F2} ms "
            + $"(load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
    }

    private async Task SetupAsync()
    {
        _silos = await NodeSilos.StartAsync(new NodeSilosOptions { Nodes = [Node], SimulatedNode = "pfs=2,vfs=4,capabilities=intel+10G,domains=d" });
        _pluginFolder = Directory.CreateDirectory(Path.Combine(_silos.StateRoot, "dp")).FullName;
        var grains = _silos.SiloGrains;
        _resources = (await grains.GetGrain<INodeGrain>(Node).GetResourceNamesAsync()).Count;

        _recorder.Reset(_resources);
        _kubelet = await StandInKubeletRegistration.StartAsync(Path.Combine(_pluginFolder, KubeletSocketFile.Name), _recorder);
        _services = new ServiceCollection()
            .AddSingleton(grains)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddLogging()
            .AddKubeletDevicePlugin(o =>
            {
                o.NodeName = Node;
                o.DevicePluginPath = _pluginFolder;
                o.PodResourcesPath = Path.Combine(_silos.StateRoot, "pr");
                o.ResourcePollTimeout = TimeSpan.FromHours(1);
            })
            .BuildServiceProvider();
        _manager = _services.GetRequiredService<DevicePluginManager>();
        await _manager.StartAsync(CancellationToken.None);
        await _recorder.AllRegistered.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
