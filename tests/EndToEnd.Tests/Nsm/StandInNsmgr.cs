using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Gateway.Transport;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Spiffe.Tls;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// A stand-in NSMgr for the real executable: the registry on <c>nsm.io.sock</c> and one NSE (<c>nse-1</c>, service
/// <c>ns</c>) on its own socket; plaintext, or mutual TLS by SPIFFE rules when given its own SVID (<see cref="SvidCredentials"/>).
/// </summary>
public sealed class StandInNsmgr : IAsyncDisposable
{
    private readonly SvidCredentials? _tls;
    private UnixSocketGrpcServer? _registryServer;
    private UnixSocketGrpcServer? _nseServer;

    private StandInNsmgr(string folder, SvidCredentials? tls)
    {
        RegistrySocket = Path.Combine(folder, "nsm.io.sock");
        _tls = tls;
    }

    public StandInRegistry Registry { get; } = new();

    public StandInEndpoint Nse { get; } = new();

    public string RegistrySocket { get; }

    /// <summary>
    /// Starts both servers, or only prepares the socket path when <paramref name="registryUp"/> is false; with
    /// <paramref name="tls"/> both require mutual TLS and present that SVID.
    /// </summary>
    public static async Task<StandInNsmgr> StartAsync(string folder, bool registryUp = true, SvidCredentials? tls = null)
    {
        var nsmgr = new StandInNsmgr(folder, tls);
        nsmgr._nseServer = await UnixSocketGrpcServer.StartAsync(
            Path.Combine(folder, "nse.sock"), s => s.AddSingleton(nsmgr.Nse), a => a.MapGrpcService<StandInEndpoint>(), configureListener: nsmgr.Secure);
        nsmgr.Registry.Endpoints.Add(new NetworkServiceEndpoint
        {
            Name = "nse-1",
            Url = "unix://" + nsmgr._nseServer.SocketPath,
            NetworkServiceNames = { "ns" },
        });
        // The same NSE once more, answered the way NSMgr answers for an NSE on this node: by inode, socket passed along.
        // Its listed URL leads nowhere, so only the passed descriptor can reach it.
        nsmgr.Registry.Endpoints.Add(new NetworkServiceEndpoint
        {
            Name = "nse-local",
            Url = "unix:///nonexistent/nse-local.sock",
            NetworkServiceNames = { "ns-local" },
        });
        nsmgr.Registry.PassedSockets["nse-local"] = nsmgr._nseServer.SocketPath;
        if (registryUp)
        {
            await nsmgr.StartRegistryAsync();
        }

        return nsmgr;
    }

    /// <summary>Brings the registry up (again).</summary>
    public async Task StartRegistryAsync() =>
        _registryServer = await UnixSocketGrpcServer.StartAsync(
            RegistrySocket, s => s.AddSingleton(Registry), a => a.MapGrpcService<StandInRegistry>(), receiveFileDescriptors: true, configureListener: Secure);

    private void Secure(ListenOptions listen)
    {
        if (_tls is not null)
        {
            listen.UseSpiffeMutualTls(_tls, NullLogger.Instance);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_registryServer is not null)
        {
            await _registryServer.DisposeAsync();
        }

        if (_nseServer is not null)
        {
            await _nseServer.DisposeAsync();
        }

        Registry.Dispose();
    }
}
