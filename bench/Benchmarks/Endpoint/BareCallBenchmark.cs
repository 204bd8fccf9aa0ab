using BenchmarkDotNet.Attributes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>
/// The honest baseline of issue 14: one bare unary gRPC call (the stand-in NSE's Request, the messages a NOOP Request
/// carries) over a persistent channel, served once by Kestrel's unix socket transport and once by our fd-passing
/// transport (the NSM socket's, decision 006), alone and 32 at once. Both servers live in the benchmark process.
/// </summary>
[Config(typeof(BareCallBenchmarkConfig))]
public class BareCallBenchmark
{
    private const int Concurrency = 32;
    private string _folder = null!;
    private UnixSocketGrpcServer _kestrel = null!;
    private UnixSocketGrpcServer _fdPassing = null!;
    private GrpcChannel _kestrelChannel = null!;
    private GrpcChannel _fdPassingChannel = null!;
    private NetworkService.NetworkServiceClient _overKestrel = null!;
    private NetworkService.NetworkServiceClient _overFdPassing = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _kestrelChannel.Dispose();
        _fdPassingChannel.Dispose();
        _kestrel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fdPassing.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "bare call, Kestrel unix socket")]
    public Connection Kestrel() => _overKestrel.Request(Noop());

    [Benchmark(Description = "bare call, fd-passing transport")]
    public Connection FdPassing() => _overFdPassing.Request(Noop());

    [Benchmark(Description = "32 concurrent bare calls, Kestrel unix socket")]
    public void KestrelConcurrent() => Concurrent(_overKestrel);

    [Benchmark(Description = "32 concurrent bare calls, fd-passing transport")]
    public void FdPassingConcurrent() => Concurrent(_overFdPassing);

    private static void Concurrent(NetworkService.NetworkServiceClient client) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => client.RequestAsync(Noop()).ResponseAsync)).GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("sriov-bench-bare-").FullName;
        _kestrel = await UnixSocketGrpcServer.StartAsync(System.IO.Path.Combine(_folder, "kestrel.sock"), s => s.AddSingleton<BenchNse>(), a => a.MapGrpcService<BenchNse>());
        _fdPassing = await UnixSocketGrpcServer.StartAsync(System.IO.Path.Combine(_folder, "fd.sock"), s => s.AddSingleton<BenchNse>(), a => a.MapGrpcService<BenchNse>(),
            receiveFileDescriptors: true);
        _kestrelChannel = UnixSocketChannelFactory.Create(_kestrel.SocketPath, TimeSpan.FromSeconds(5));
        _fdPassingChannel = UnixSocketChannelFactory.Create(_fdPassing.SocketPath, TimeSpan.FromSeconds(5));
        _overKestrel = new NetworkService.NetworkServiceClient(_kestrelChannel);
        _overFdPassing = new NetworkService.NetworkServiceClient(_fdPassingChannel);
        _overKestrel.Request(Noop());
        _overFdPassing.Request(Noop());
    }

    // The endpoint benchmark's NOOP request (same fields), with a fixed id: the stand-in NSE only echoes it.
    private static NetworkServiceRequest Noop() => new()
    {
        Connection = new Connection { Id = "b-1", NetworkService = "ns", NetworkServiceEndpointName = "nse-1" },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
    };
}
