using Microsoft.Extensions.DependencyInjection;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Registers the kubelet device plugin as a hosted service.</summary>
public static class DevicePluginServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DevicePluginManager"/> as a hosted service; register it after the Orleans silo so it starts
    /// once the silo runs. Needs <see cref="IGrainFactory"/> and <see cref="TimeProvider"/> in the container.
    /// </summary>
    public static IServiceCollection AddKubeletDevicePlugin(this IServiceCollection services, Action<KubeletDevicePluginOptions> configure)
    {
        services.Configure(configure);
        services.AddSingleton<DevicePluginManager>();
        services.AddHostedService(sp => sp.GetRequiredService<DevicePluginManager>());
        return services;
    }
}
