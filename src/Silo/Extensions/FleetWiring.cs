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
    /// <summary>
    /// The first timeout of a probe (and the period between probes); Orleans then adapts it per monitored silo to the
    /// response times it sees, between half of this and <see cref="MaxProbeTimeout"/>.
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a probe may wait, however loaded this silo is (Orleans' default is 4 × <see cref="ProbeTimeout"/>: it
    /// stretches the timeout by the local health-degradation score, which a busy machine raises). Bounds each missed probe.
    /// </summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(4);

    /// <summary>Missed probes in a row before a silo votes another dead.</summary>
    public const int MissedProbes = 3;

    /// <summary>How often each silo reads the whole membership table, whatever gossip told it (Orleans' default is 60 s).</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How soon membership declares a killed node's silo dead, with these settings: each survivor misses
    /// <see cref="MissedProbes"/> direct probes of at most <see cref="MaxProbeTimeout"/> each, after up to one probe period
    /// before the first (16 s), then writes its vote; a vote lost to a concurrent write is written again at the next
    /// missed probe (4 s); the rest is margin for the Redis round trips of a loaded machine (decision 030).
    /// </summary>
    public static readonly TimeSpan KilledNodeDeclaredDeadWithin = TimeSpan.FromSeconds(30);

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

    /// <summary>
    /// The membership settings behind the fleet's liveness (decision 030): probes bounded by <see cref="MaxProbeTimeout"/>,
    /// direct only, so a killed node's silo is voted dead within <see cref="KilledNodeDeclaredDeadWithin"/>.
    /// </summary>
    public static ISiloBuilder ConfigureFleetLiveness(this ISiloBuilder silo) =>
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.MaxProbeTimeout = MaxProbeTimeout;
            o.NumMissedProbesLimit = MissedProbes;
            o.TableRefreshTimeout = TableRefresh;
            // An indirect probe (the last one before a vote, sent through another silo) does not count as missed when
            // the other silo reports itself degraded or answers late, which on a loaded machine can repeat for minutes:
            // the vote then never comes. Direct probes only: each survivor counts its own misses and votes.
            o.EnableIndirectProbes = false;
        });
}
