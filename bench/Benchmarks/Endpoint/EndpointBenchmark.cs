using System.Globalization;
using BenchmarkDotNet.Attributes;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using Microsoft.AspNetCore.Builder;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>
/// Request+Close over the NSM unix socket of the real <c>sriov-forwarder --simulate</c> process (<see cref="BenchForwarder"/>) against a stand-in next hop, and a bare gRPC echo (the stand-in NSE's Request) over the same kind of socket.
/// </summary>
[Config(typeof(EndpointBenchmarkConfig))]
public class EndpointBenchmark
{
    private const int Concurrency = 32;
    private BenchForwarder _bench = null!;
    private IHost _orleans = null!;
    private GrpcChannel _forwarderChannel = null!;
    private GrpcChannel _nseChannel = null!;
    private NetworkService.NetworkServiceClient _client = null!;
    private NetworkService.NetworkServiceClient _echo = null!;
    private UnixSocketGrpcServer _fdEchoServer = null!;
    private GrpcChannel _fdEchoChannel = null!;
    private NetworkService.NetworkServiceClient _fdEcho = null!;
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
        _fdEchoChannel?.Dispose();
        _fdEchoServer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _bench?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "bare call, fd-passing transport (stand-in NSE Request)")]
    public Connection EchoFdPassing() => _fdEcho.Request(Noop());

    [Benchmark(Description = "bare gRPC echo, Kestrel unix socket (stand-in NSE Request)")]
    public Connection Echo() => _echo.Request(Noop());

    [Benchmark(Description = "NOOP Request+Close")]
    public void NoopRequestClose() => _client.Close(_client.Request(Noop()));

    [Benchmark(Description = "VFIO Request+Close")]
    public void VfioRequestClose() => _client.Close(_client.Request(Vfio()));

    [Benchmark(Description = "32 concurrent bare calls, fd-passing transport")]
    public void EchoFdPassingConcurrent() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => _fdEcho.RequestAsync(Noop()).ResponseAsync)).GetAwaiter().GetResult();

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
        _bench = await BenchForwarder.StartAsync();
        _forwarderChannel = UnixSocketChannelFactory.Create(_bench.NsmSocket, TimeSpan.FromSeconds(5));
        _nseChannel = UnixSocketChannelFactory.Create(_bench.Nse.SocketPath, TimeSpan.FromSeconds(5));
        _client = new NetworkService.NetworkServiceClient(_forwarderChannel);
        _echo = new NetworkService.NetworkServiceClient(_nseChannel);
        // The honest baseline (bench/README.md, issue 14): the same call served by the NSM socket's own transport.
        _fdEchoServer = await UnixSocketGrpcServer.StartAsync(System.IO.Path.Combine(_bench.Folder, "fd-echo.sock"), s => s.AddSingleton<BenchNse>(),
            a => a.MapGrpcService<BenchNse>(), receiveFileDescriptors: true);
        _fdEchoChannel = UnixSocketChannelFactory.Create(_fdEchoServer.SocketPath, TimeSpan.FromSeconds(5));
        _fdEcho = new NetworkService.NetworkServiceClient(_fdEchoChannel);
        _orleans = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c => c.UseLocalhostClustering(_bench.GatewayPort, serviceId: "sriov-forwarder", clusterId: "sriov-forwarder"))
            .Build();
        await _orleans.StartAsync();
        var node = _orleans.Services.GetRequiredService<IGrainFactory>().GetGrain<INodeGrain>("bench-node");
        var names = await node.GetResourceNamesAsync();
        _token = (await node.GetDevicesAsync(names[0])).Devices[0].Id;
        // The silo may still be finishing start-up: the first call waits for it.
        _client.Close(_client.Request(Noop(), deadline: DateTime.UtcNow.AddSeconds(60)));
    }
}
