using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.Authorization;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;
using NetworkServiceEndpoint = SriovForwarder.Api.Nsm.Registry.NetworkServiceEndpoint;

namespace SriovForwarder.Gateway.Tests.Authorization;

/// <summary>
/// The forwarder's endpoint in SPIFFE mode (an SVID source registered: tokens and policies on) over a unix socket, with
/// the real chain in a one-silo cluster, a stand-in registry and NSE. Identities come from a test trust domain; the TLS
/// handshake that would hand the gateway the caller's certificate is stood in for by <see cref="StandInCallerCertificates"/>.
/// </summary>
public sealed class SecuredForwarderFixture : IAsyncLifetime, IDisposable
{
    public const string Node = "node-sec";
    public const string Name = "forwarder-sec";

    private readonly TempSocketFolder _folder = new();
    private readonly StandInRegistry _registry = new();
    private NodeSilos _cluster = null!;
    private UnixSocketGrpcServer _registryServer = null!;
    private UnixSocketGrpcServer _nseServer = null!;
    private UnixSocketGrpcServer _forwarder = null!;

    public SpiffeTestTrustDomain Domain { get; } = SpiffeTestTrustDomain.Create("example.org");

    public Dictionary<string, X509Certificate2> Identities { get; } = new(StringComparer.Ordinal);

    public StandInEndpoint Nse { get; } = new();

    public string ForwarderSocket => _forwarder.SocketPath;

    public IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync()
    {
        // "impostor" has the NSMgr's SPIFFE ID with another key: what a forger could present without the NSMgr's key.
        foreach (var (name, path) in new[] { ("nsc", "nsc"), ("nsmgr", "nsmgr"), ("forwarder", "forwarder"), ("other", "other-nsmgr"), ("impostor", "nsmgr") })
        {
            Identities[name] = Domain.Issue(path);
        }

        var svids = new FixedSvidSource(Domain.Svid(Identities["forwarder"]));
        var registry = _registry;
        _registryServer = await UnixSocketGrpcServer.StartAsync(_folder.Socket("reg.sock"), s => s.AddSingleton(registry), a => a.MapGrpcService<StandInRegistry>());
        _nseServer = await UnixSocketGrpcServer.StartAsync(_folder.Socket("nse.sock"), s => s.AddSingleton(Nse), a => a.MapGrpcService<StandInEndpoint>());
        registry.Endpoints.Add(new NetworkServiceEndpoint { Name = "nse-1", Url = "unix://" + _nseServer.SocketPath, NetworkServiceNames = { "ns" } });

        _cluster = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [Node],
            ConfigureSilo = silo =>
            {
                silo.Services.AddVfioDevices(o => o.VfioPath = Path.Combine(_folder.Path, "vfio"));
                silo.Services.AddDeviceCgroupController(o => o.CgroupRoot = Path.Combine(_folder.Path, "cgroup"));
                silo.Services.AddSingleton<ISvidSource>(svids);
                silo.Services.AddNsmTokens(TimeSpan.FromMinutes(10));
                silo.Services.AddNsmOutbound(o => o.ConnectTo = "unix://" + _registryServer.SocketPath);
                silo.Services.AddForwarderChain(o => (o.Name, o.NodeName) = (Name, Node));
            },
        });

        _forwarder = await UnixSocketGrpcServer.StartAsync(_folder.Socket("fwd.sock"), s =>
        {
            s.AddSingleton<IGrainFactory>(_cluster.Grains);
            s.AddSingleton<ISvidSource>(svids);
            s.AddSingleton<ICallerCertificate>(new StandInCallerCertificates(Identities));
            s.AddNsmTokens(TimeSpan.FromMinutes(10));
            s.AddNsmEndpoint(o => (o.Name, o.NodeName) = (Name, Node));
        }, a => a.MapNsmEndpoint());
    }

    public async Task DisposeAsync()
    {
        await _forwarder.DisposeAsync();
        await _cluster.DisposeAsync();
        await _nseServer.DisposeAsync();
        await _registryServer.DisposeAsync();
        foreach (var certificate in Identities.Values)
        {
            certificate.Dispose();
        }

        Domain.Dispose();
    }

    // xunit calls DisposeAsync first, then this: what the servers used goes last.
    public void Dispose()
    {
        _registry.Dispose();
        _folder.Dispose();
    }
}
