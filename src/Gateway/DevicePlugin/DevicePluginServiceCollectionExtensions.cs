using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Registers the kubelet device plugin as a hosted service.</summary>
public static class DevicePluginServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DevicePluginManager"/> and its parts (one instance each) as a hosted service; register it after
    /// the Orleans silo so it starts once the silo runs. Needs <see cref="IGrainFactory"/> and logging in the container;
    /// uses <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered.
    /// </summary>
    public static IServiceCollection AddKubeletDevicePlugin(this IServiceCollection services, Action<KubeletDevicePluginOptions> configure)
    {
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TokenChangeSignal>();
        // The node grain of this process finds it here when the plugin shares the silo's container (decision 050).
        services.AddSingleton<LocalTokenPoolSink>();
        services.AddSingleton<ILocalTokenPoolSink>(sp => sp.GetRequiredService<LocalTokenPoolSink>());
        services.AddSingleton<AllocatedTokenTracker>();
        services.AddSingleton<NodeTokenSubscription>();
        services.AddSingleton<PodResourcesPolling>();
        services.AddSingleton<ResourcePluginServers>();
        services.AddSingleton<KubeletRegistrar>();
        services.AddSingleton<DevicePluginManager>();
        services.AddHostedService(sp => sp.GetRequiredService<DevicePluginManager>());
        return services;
    }
}
