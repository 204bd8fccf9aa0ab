using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;
using NetworkServiceEndpoint = SriovForwarder.Api.Nsm.Registry.NetworkServiceEndpoint;

namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>
/// The forwarder's gRPC endpoint on a unix socket, served by a one-silo cluster running the real chain with the real
/// next-hop and registry clients, against a stand-in registry and NSE on their own unix sockets. The one set-up behind
/// every such fixture: a derived fixture names its node and forwarder and adds services through the hooks (SPIFFE
/// identity and tokens, for one).
/// </summary>
public abstract class ForwarderEndpointFixture(string node, string name) : IAsyncLifetime, IDisposable
{
    private readonly TempSocketFolder _folder = new();
    private readonly StandInRegistry _registry = new();
    private StandInEndpointMonitor? _nseMonitor;
    private NodeSilos _cluster = null!;
    private UnixSocketGrpcServer _registryServer = null!;
    private UnixSocketGrpcServer _nseServer = null!;
    private UnixSocketGrpcServer _forwarder = null!;

    public StandInEndpoint Nse { get; } = new();

    /// <summary>The NSE's MonitorConnection, which the forwarder relays from (§6.9).</summary>
    public StandInEndpointMonitor NseMonitor => _nseMonitor ??= new StandInEndpointMonitor(Nse);

    public string ForwarderSocket => _forwarder.SocketPath;

    public IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync()
    {
        var registry = _registry;
        _registryServer = await UnixSocketGrpcServer.StartAsync(_folder.Socket("reg.sock"), s => s.AddSingleton(registry), a => a.MapGrpcService<StandInRegistry>());
        _nseServer = await UnixSocketGrpcServer.StartAsync(_folder.Socket("nse.sock"), s => s.AddSingleton(Nse).AddSingleton(NseMonitor), a =>
        {
            a.MapGrpcService<StandInEndpoint>();
            a.MapGrpcService<StandInEndpointMonitor>();
        });
        registry.Endpoints.Add(new NetworkServiceEndpoint { Name = "nse-1", Url = "unix://" + _nseServer.SocketPath, NetworkServiceNames = { "ns" } });

        _cluster = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [node],
            ConfigureSilo = silo =>
            {
                silo.Services.AddVfioDevices(o => o.VfioPath = Path.Combine(_folder.Path, "vfio"));
                silo.Services.AddDeviceCgroupController(o => o.CgroupRoot = Path.Combine(_folder.Path, "cgroup"));
                AddToSiloAndEndpoint(silo.Services);
                silo.Services.AddNsmOutbound(o => o.ConnectTo = "unix://" + _registryServer.SocketPath);
                silo.Services.AddForwarderChain(o => (o.Name, o.NodeName) = (name, node));
            },
        });

        _forwarder = await UnixSocketGrpcServer.StartAsync(_folder.Socket("fwd.sock"), s =>
        {
            s.AddSingleton<IGrainFactory>(_cluster.Grains);
            AddToSiloAndEndpoint(s);
            AddToEndpoint(s);
            s.AddNsmEndpoint(o => (o.Name, o.NodeName) = (name, node));
        }, a => a.MapNsmEndpoint());
    }

    public virtual async Task DisposeAsync()
    {
        await _forwarder.DisposeAsync();
        await _cluster.DisposeAsync();
        await _nseServer.DisposeAsync();
        await _registryServer.DisposeAsync();
    }

    // xunit calls DisposeAsync first, then this: what the servers used goes last.
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Hook: services both the silo (the chain's outbound calls) and the endpoint need, e.g. the SVID source and tokens.</summary>
    protected virtual void AddToSiloAndEndpoint(IServiceCollection services)
    {
    }

    /// <summary>Hook: services only the endpoint needs, e.g. what hands it the caller's certificate.</summary>
    protected virtual void AddToEndpoint(IServiceCollection services)
    {
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _registry.Dispose();
            _folder.Dispose();
        }
    }
}
