using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the kubelet device plugin (one plugin socket per resource, pod-resources reconciliation) from the settings.</summary>
public static class DevicePluginWiring
{
    /// <summary>
    /// Adds the device plugin as a hosted service that starts once the NSM socket serves (decision 044): kubelet's
    /// registration, the plugin servers and the pod-resources polling are not needed for NSMgr's first Request. It
    /// keeps its place in the stop sequence (after the silo is added: it stops before the silo does).
    /// </summary>
    public static IServiceCollection AddDevicePlugin(this IServiceCollection services, ForwarderSettings settings) =>
        services.StartAfterServing(s => s.AddKubeletDevicePlugin(o => ForwarderOptionsBinding.Bind(o, settings)));
}
