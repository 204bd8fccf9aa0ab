using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the Orleans silo: clustering, the node's metadata and placement, node-local storage and the dashboard.</summary>
public static class OrleansExtensions
{
    /// <summary>Entries of Orleans' grain directory cache: room for a fleet of 10,000 nodes' grains (decision 032).</summary>
    public const int GrainDirectoryCacheSize = 10_000;

    /// <summary>Adds the silo of this node to the host.</summary>
    public static IHostApplicationBuilder AddForwarderSilo(this IHostApplicationBuilder builder, ForwarderSettings settings)
    {
        builder.Services.AddSingleton(new LocalNode(settings.NodeName));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ClusterId;
            });
            if (settings.Clustering == ClusteringMode.Redis)
            {
                // The settings reader guarantees a connection string when clustering is redis.
                silo.UseRedisClustering(settings.RedisConnectionString!);
                if (settings.AdvertisedIp is { } advertised)
                {
                    silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
                }
                else
                {
                    // No NSM_ADVERTISED_IP: let Orleans advertise this host's address, reachable by the other nodes.
                    silo.ConfigureEndpoints(Dns.GetHostName(), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
                }
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ClusterId, clusterId: settings.ClusterId);
            }

            silo.ConfigureFleetLiveness();
            // Orleans sizes its grain directory caches for a million grains up front (two arrays of 4.6 MB each at idle);
            // a forwarder's silo calls its own node's grains, the fleet grain and at most every node grain (decision 032).
            silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = GrainDirectoryCacheSize);
            silo.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadataKey] = settings.NodeName });
            silo.AddPlacementDirector<NodeBoundPlacementStrategy, NodeBoundPlacementDirector>();
            silo.AddNodeFileStorage(ForwarderOptionsBinding.GrainStoragePath(settings));
            silo.Configure<SiloOptions>(o => o.SiloName = $"{settings.NodeName}");
            if (settings.TelemetryEnabled)
            {
                // The caller's trace continues through the grain call into the chain (RequestContext carries it).
                silo.AddActivityPropagation();
            }

            if (settings.DashboardListenOn is not null)
            {
                silo.AddDashboard(o => o.CounterUpdateIntervalMs = 1000);
            }
        });
        return builder;
    }
}
