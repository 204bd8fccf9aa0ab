using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Grains.Chain.Elements.Kernel;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.VfEthernet;

namespace SriovForwarder.Grains.Chain;

/// <summary>Registers the forwarder chain; the host also registers the next-hop and registry clients (<see cref="OutboundExtensions.AddNsmOutbound"/>) and the cgroup grants.</summary>
public static class ForwarderChainExtensions
{
    /// <summary>Adds <see cref="ForwarderChain"/> (built once, on first use) and its options.</summary>
    public static IServiceCollection AddForwarderChain(this IServiceCollection services, Action<ForwarderChainOptions> configure)
    {
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IVfPool, GrainVfPool>();
        services.TryAddSingleton<IConnectionEventSink, ConnectionMonitorSink>();
        // The relay watches the next hop on the next-hop client's channels; a client that cannot (a test double): no relay.
        services.TryAddSingleton(sp => new Monitor.NextHopRelays(
            sp.GetRequiredService<IConnectionEventSink>(),
            sp.GetService<ILogger<Monitor.NextHopRelays>>() ?? NullLogger<Monitor.NextHopRelays>.Instance,
            sp.GetService<INextHopMonitor>() ?? sp.GetService<INextHopClient>() as INextHopMonitor));
        services.TryAddSingleton<ConnectionActivations>();
        services.TryAddSingleton<ConnectionUndo>();
        services.TryAddSingleton<ClientPresence>();
        services.TryAddSingleton<Node.ReconcileCounters>();
        services.TryAddSingleton<Node.AllocationTimings>();
        services.TryAddSingleton<Node.NodeReconciler>();
        services.AddNetworkNamespaces();
        services.TryAddSingleton<KernelNamespaces>();
        services.AddVfEthernetSettings();
        services.TryAddSingleton<ForwarderChain>();
        return services;
    }
}
