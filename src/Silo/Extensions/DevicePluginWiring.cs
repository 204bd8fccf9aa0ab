using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the kubelet device plugin (one plugin socket per resource, pod-resources reconciliation) from the settings.</summary>
public static class DevicePluginWiring
{
    /// <summary>Adds the device plugin as a hosted service; call after the silo is added so it starts once the silo runs.</summary>
    public static IServiceCollection AddDevicePlugin(this IServiceCollection services, ForwarderSettings settings) =>
        services.AddKubeletDevicePlugin(o => ForwarderOptionsBinding.Bind(o, settings));
}
