using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Interfaces;
using Path = System.IO.Path;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>
/// Request+Close over the NSM unix socket of the real <c>sriov-forwarder --simulate</c> process (path in
/// SRIOV_FORWARDER_EXE; root) against a stand-in next hop, and a bare gRPC echo (the stand-in NSE's Request) over the same kind of socket.
/// </summary>
[Config(typeof(EndpointBenchmarkConfig))]
public class EndpointBenchmark
{
    private const int Concurrency = 32;
    private string _folder = "";
    private UnixSocketGrpcServer _nse = null!;
    private UnixSocketGrpcServer _registry = null!;
    private Process _forwarder = null!;
    private IHost _orleans = null!;
    private GrpcChannel _forwarderChannel = null!;
    private GrpcChannel _nseChannel = null!;
    private NetworkService.NetworkServiceClient _client = null!;
    private NetworkService.NetworkServiceClient _echo = null!;
    private string _token = "";
    private int _next;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _forwarderChannel?.Dispose();
        _nseChannel?.Dispose();
        _orleans?.StopAsync().GetAwaiter().GetResult();
        _orleans?.Dispose();
        if (_forwarder is { HasExited: false })
        {
            _forwarder.Kill(entireProcessTree: true);
            _forwarder.WaitForExit();
        }

        _forwarder?.Dispose();
        _nse?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _registry?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "bare gRPC echo (stand-in NSE Request)")]
    public Connection Echo() => _echo.Request(Noop());

    [Benchmark(Description = "NOOP Request+Close")]
    public void NoopRequestClose() => _client.Close(_client.Request(Noop()));

    [Benchmark(Description = "VFIO Request+Close")]
    public void VfioRequestClose() => _client.Close(_client.Request(Vfio()));

    [Benchmark(Description = "32 concurrent bare echoes")]
    public void EchoConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => _echo.RequestAsync(Noop()).ResponseAsync)).GetAwaiter().GetResult();

    [Benchmark(Description = "32 concurrent NOOP Request+Close")]
    public void NoopConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
    {
        var connection = await _client.RequestAsync(Noop());
        await _client.CloseAsync(connection);
    })).GetAwaiter().GetResult();

    private NetworkServiceRequest Noop() => new()
    {
        Connection = new Connection { Id = "b-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture), NetworkService = "ns", NetworkServiceEndpointName = "nse-1" },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
    };

    private NetworkServiceRequest Vfio()
    {
        var request = Noop();
        request.MechanismPreferences[0].Type = "VFIO";
        request.MechanismPreferences[0].Parameters["tokenID"] = _token;
        request.MechanismPreferences[0].Parameters["cgroupDir"] = "pod/*";
        return request;
    }

    private async Task SetupAsync()
    {
        var exe = Environment.GetEnvironmentVariable("SRIOV_FORWARDER_EXE")
            ?? throw new InvalidOperationException("set SRIOV_FORWARDER_EXE to the built sriov-forwarder executable");
        _folder = Directory.CreateTempSubdirectory("endpoint-bench-").FullName;
        var cgroup = Path.Combine(_folder, "cgroup", "pod", "c1");
        Directory.CreateDirectory(cgroup);
        foreach (var file in new[] { "devices.list", "devices.allow", "devices.deny" })
        {
            await File.WriteAllTextAsync(Path.Combine(cgroup, file), "");
        }

        _nse = await UnixSocketGrpcServer.StartAsync(Path.Combine(_folder, "nse.sock"), s => s.AddSingleton<BenchNse>(), a => a.MapGrpcService<BenchNse>());
        var registry = new BenchNsmRegistry("unix://" + _nse.SocketPath);
        _registry = await UnixSocketGrpcServer.StartAsync(Path.Combine(_folder, "nsm.sock"), s => s.AddSingleton(registry), a => a.MapGrpcService<BenchNsmRegistry>());
        var gatewayPort = FreePort();
        var start = new ProcessStartInfo(exe, ["--simulate=pfs=1,vfs=2", "--simulate-dir", Path.Combine(_folder, "node")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = new Dictionary<string, string>
        {
            ["NSM_NODE_NAME"] = "bench-node",
            ["NSM_CONNECT_TO"] = "unix://" + _registry.SocketPath,
            ["NSM_LISTEN_ON"] = "unix://" + Path.Combine(_folder, "listen.sock"),
            ["NSM_CGROUP_PATH"] = Path.Combine(_folder, "cgroup"),
            ["NSM_DIAL_TIMEOUT"] = "2s",
            ["NSM_LOG_LEVEL"] = "WARN",
            ["NSM_GATEWAY_PORT"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["NSM_SILO_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_DASHBOARD_LISTEN_ON"] = "127.0.0.1:" + FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_DEVICE_PLUGIN_PATH"] = Path.Combine(_folder, "dp"),
            ["NSM_POD_RESOURCES_PATH"] = Path.Combine(_folder, "pr"),
        };
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        _forwarder = Process.Start(start)!;
        _forwarder.BeginOutputReadLine();
        _forwarder.BeginErrorReadLine();
        var socket = Path.Combine(_folder, "listen.sock");
        for (var i = 0; i < 600 && !File.Exists(socket); i++)
        {
            await Task.Delay(100);
        }

        _forwarderChannel = UnixSocketChannelFactory.Create(socket, TimeSpan.FromSeconds(5));
        _nseChannel = UnixSocketChannelFactory.Create(_nse.SocketPath, TimeSpan.FromSeconds(5));
        _client = new NetworkService.NetworkServiceClient(_forwarderChannel);
        _echo = new NetworkService.NetworkServiceClient(_nseChannel);
        _orleans = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort, serviceId: "sriov-forwarder", clusterId: "sriov-forwarder"))
            .Build();
        await _orleans.StartAsync();
        var node = _orleans.Services.GetRequiredService<IGrainFactory>().GetGrain<INodeGrain>("bench-node");
        var names = await node.GetResourceNamesAsync();
        _token = (await node.GetDevicesAsync(names[0])).Devices[0].Id;
        // The silo may still be finishing start-up: the first call waits for it.
        _client.Close(_client.Request(Noop(), deadline: DateTime.UtcNow.AddSeconds(60)));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
