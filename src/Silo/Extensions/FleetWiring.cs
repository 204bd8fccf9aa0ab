using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Configuration;
using SriovForwarder.Gateway.Fleet;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Ops;

namespace SriovForwarder.Silo.Extensions;

/// <summary>
/// Wires the fleet view for people: the fleet gRPC API on NSM_FLEET_LISTEN_ON, the SR-IOV page on the dashboard
/// listener (each answers only on its own port), and the membership probe settings that bound how soon a killed
/// node shows down (decision 025).
/// </summary>
public static partial class FleetWiring
{
    /// <summary>How often a silo probes others; a killed node's silo is suspected after <see cref="MissedProbes"/> missed probes.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes before a silo votes another dead.</summary>
    public const int MissedProbes = 3;

    /// <summary>How often each silo reads the whole membership table, whatever gossip told it (Orleans' default is 60 s).</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(5);

    /// <summary>Listens for the fleet API (HTTP/2 without TLS: gRPC) when NSM_FLEET_LISTEN_ON is set.</summary>
    public static void ListenForFleet(this KestrelServerOptions kestrel, ForwarderSettings settings)
    {
        if (settings.FleetListenOn is not { } address)
        {
            return;
        }

        if (IPAddress.TryParse(address.Host, out var ip))
        {
            kestrel.Listen(ip, address.Port, o => o.Serve(ListenerSurface.Fleet).Protocols = HttpProtocols.Http2);
        }
        else
        {
            kestrel.ListenLocalhost(address.Port, o => o.Serve(ListenerSurface.Fleet).Protocols = HttpProtocols.Http2);
        }
    }

    /// <summary>Says where the fleet API and the SR-IOV page answer (they are mapped with the other surfaces, decision 016).</summary>
    public static void LogFleetSurfaces(ILogger logger, ForwarderSettings settings) =>
        LogFleetSurfaces(logger, settings.FleetListenOn?.ToString() ?? "off",
            settings.DashboardListenOn is { } page ? $"http://{page}{FleetPage.Path}" : "off");

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Fleet API (sriov.fleet.v1): {FleetApi}; SR-IOV page: {Page}")]
    private static partial void LogFleetSurfaces(ILogger logger, string fleetApi, string page);

    /// <summary>The membership settings behind the fleet's liveness: see <see cref="ProbeTimeout"/>, <see cref="MissedProbes"/>, <see cref="TableRefresh"/>.</summary>
    public static ISiloBuilder ConfigureFleetLiveness(this ISiloBuilder silo) =>
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.NumMissedProbesLimit = MissedProbes;
            o.TableRefreshTimeout = TableRefresh;
        });
}
