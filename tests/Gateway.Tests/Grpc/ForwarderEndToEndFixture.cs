using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Api.Nsm.Registry;
using NetworkServiceEndpoint = SriovForwarder.Api.Nsm.Registry.NetworkServiceEndpoint;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>
/// The forwarder's gRPC endpoint on a unix socket, served by a one-silo cluster running the real chain
/// with the real next-hop and registry clients, against a stand-in registry and NSE on their own unix sockets.
/// </summary>
public sealed class ForwarderEndToEndFixture : IAsyncLifetime, IDisposable
{
    public const string Node = "node-e2e";
    public const string Name = "forwarder-e2e";

    private readonly TempSocketFolder _folder = new();
    private readonly StandInRegistry _registry = new();
    private NodeSilos _cluster = null!;
    private UnixSocketGrpcServer _registryServer = null!;
    private UnixSocketGrpcServer _nseServer = null!;
    private UnixSocketGrpcServer _forwarder = null!;

    public ForwarderEndToEndFixture() => NseMonitor = new StandInEndpointMonitor(Nse);

    public StandInEndpoint Nse { get; } = new();

    /// <summary>The NSE's MonitorConnection, which the forwarder relays from (§6.9).</summary>
    public StandInEndpointMonitor NseMonitor { get; }

    public string ForwarderSocket => _forwarder.SocketPath;

    public IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync()
    {
        _registryServer = await UnixSocketGrpcServer.StartAsync(_folder.Socket("reg.sock"), s => s.AddSingleton(_registry), a => a.MapGrpcService<StandInRegistry>());
        _nseServer = await UnixSocketGrpcServer.StartAsync(_folder.Socket("nse.sock"), s => s.AddSingleton(Nse).AddSingleton(NseMonitor), a =>
        {
            a.MapGrpcService<StandInEndpoint>();
            a.MapGrpcService<StandInEndpointMonitor>();
        });
        _registry.Endpoints.Add(new NetworkServiceEndpoint { Name = "nse-1", Url = "unix://" + _nseServer.SocketPath, NetworkServiceNames = { "ns" } });

        _cluster = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [Node],
            ConfigureSilo = silo =>
        {
            silo.Services.AddVfioDevices(o => o.VfioPath = Path.Combine(_folder.Path, "vfio"));
            silo.Services.AddDeviceCgroupController(o => o.CgroupRoot = Path.Combine(_folder.Path, "cgroup"));
            silo.Services.AddNsmOutbound(o => o.ConnectTo = "unix://" + _registryServer.SocketPath);
            silo.Services.AddForwarderChain(o => (o.Name, o.NodeName) = (Name, Node));
        },
        });

        _forwarder = await UnixSocketGrpcServer.StartAsync(_folder.Socket("fwd.sock"), s =>
        {
            s.AddSingleton<IGrainFactory>(_cluster.Grains);
            s.AddNsmEndpoint(o => (o.Name, o.NodeName) = (Name, Node));
        }, a => a.MapNsmEndpoint());
    }

    public async Task DisposeAsync()
    {
        await _forwarder.DisposeAsync();
        await _cluster.DisposeAsync();
        await _nseServer.DisposeAsync();
        await _registryServer.DisposeAsync();
    }

    // xunit runs this after DisposeAsync, once the servers let go of their sockets.
    public void Dispose()
    {
        _registry.Dispose();
        _folder.Dispose();
    }
}
