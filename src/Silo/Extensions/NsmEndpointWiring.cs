using Microsoft.AspNetCore.Server.Kestrel.Core;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Vfio;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the NSM side: the forwarder chain, the VFIO kernel pieces, and NetworkService/MonitorConnection on the unix socket.</summary>
public static class NsmEndpointWiring
{
    /// <summary>The unix socket path NSMgr reaches us on (NSM_LISTEN_ON, or a fresh one like upstream's).</summary>
    public static string ListenSocketPath(ForwarderSettings settings) =>
        NsmUrl.SocketPath(settings.ListenOn ?? TemporaryListenSocket.Create());

    /// <summary>Registers the chain, its kernel pieces and the gRPC services.</summary>
    public static IServiceCollection AddNsmForwarding(this IServiceCollection services, ForwarderSettings settings)
    {
        services.AddForwarderChain(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddNsmOutbound(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddNsmEndpoint(o => ForwarderOptionsBinding.Bind(o, settings));
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
        kestrel.ListenUnixSocketHttp2(socketPath, configure: Secure, receiveFileDescriptors: true);
        if (settings.ListenOnTcp is { } tcp)
        {
            if (System.Net.IPAddress.TryParse(tcp.Host, out var ip))
            {
                kestrel.Listen(ip, tcp.Port, Secure);
            }
            else
            {
                kestrel.ListenAnyIP(tcp.Port, Secure);
            }
        }
    }
}
