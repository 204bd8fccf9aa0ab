using Microsoft.AspNetCore.Server.Kestrel.Core;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Vfio;
using SriovForwarder.Security.Authorization;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Ops;

using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the NSM side: the forwarder chain, the VFIO kernel pieces, and NetworkService/MonitorConnection on the unix socket.</summary>
public static class NsmEndpointWiring
{
    /// <summary>Permission bits of the NSM socket: read and write for the owner only.</summary>
    public const UnixFileMode NsmSocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The file in NSM_STATE_PATH that keeps which SPIFFE ID made which connection (SPIFFE mode).</summary>
    public const string ConnectionOwnersFile = "connection-owners.json";

    /// <summary>The unix socket path NSMgr reaches us on (NSM_LISTEN_ON, or a fresh one like upstream's).</summary>
    public static string ListenSocketPath(ForwarderSettings settings) =>
        NsmUrl.SocketPath(settings.ListenOn ?? TemporaryListenSocket.Create());

    /// <summary>Registers the chain, its kernel pieces and the gRPC services.</summary>
    public static IServiceCollection AddNsmForwarding(this IServiceCollection services, ForwarderSettings settings)
    {
        services.AddForwarderChain(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddNsmOutbound(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddNsmEndpoint(o => ForwarderOptionsBinding.Bind(o, settings));
        // Who made which connection, kept beside the grain state so that a restart does not let another identity close
        // or refresh someone else's connection (read now: a damaged file stops the start, not a later Close).
        services.AddSingleton(new ConnectionOwners(Path.Combine(settings.StatePath, ConnectionOwnersFile)));
        // Signs path segments and per-RPC calls once an SVID source is registered (SPIFFE mode); idle in plaintext mode.
        services.AddNsmTokens(settings.MaxTokenLifetime);
        services.AddVfioDevices(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddDeviceCgroupController(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddGrpc();
        services.AddFdPassingUnixTransport();
        return services;
    }

    /// <summary>
    /// Listens for NSM gRPC on the unix socket (HTTP/2 only) and, when NSM_LISTEN_ON_TCP is set, on TCP; both speak
    /// mutual TLS with <paramref name="svid"/> when a SPIFFE identity is configured, else plaintext h2c.
    /// </summary>
    public static void ListenForNsm(this KestrelServerOptions kestrel, ForwarderSettings settings, string socketPath, SvidCredentials? svid)
    {
        var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SpiffeServerTls));
        void Secure(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http2;
            if (svid is not null)
            {
                // Above the transport: the fd-passing transport beneath still receives descriptors (decision 020).
                listen.UseSpiffeMutualTls(svid, logger);
            }
        }

        // NSMgr passes the client's network namespace as a descriptor on this socket (grpcfd).
        // Owner-only: NSMgr connects as root (or, through the registered inode, with our descriptor); nobody else needs to.
        kestrel.ListenUnixSocketHttp2(socketPath, NsmSocketMode, l => Secure(l.Serve(ListenerSurface.Nsm)), receiveFileDescriptors: true);
        if (settings.ListenOnTcp is { } tcp)
        {
            if (System.Net.IPAddress.TryParse(tcp.Host, out var ip))
            {
                kestrel.Listen(ip, tcp.Port, o => Secure(o.Serve(ListenerSurface.Nsm)));
            }
            else
            {
                kestrel.ListenAnyIP(tcp.Port, o => Secure(o.Serve(ListenerSurface.Nsm)));
            }
        }
    }
}
