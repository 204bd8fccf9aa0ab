namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Where kubelet's sockets are and how the device plugin paces its calls to them.</summary>
public sealed class KubeletDevicePluginOptions
{
    /// <summary>The node whose token pool the plugin serves (<c>NSM_NODE_NAME</c>).</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Kubelet's device-plugin folder, holding <c>kubelet.sock</c> and our plugin sockets (<c>NSM_DEVICE_PLUGIN_PATH</c>).</summary>
    public string DevicePluginPath { get; set; } = "/var/lib/kubelet/device-plugins/";

    /// <summary>Kubelet's pod-resources folder, holding its <c>kubelet.sock</c> (<c>NSM_POD_RESOURCES_PATH</c>).</summary>
    public string PodResourcesPath { get; set; } = "/var/lib/kubelet/pod-resources/";

    /// <summary>How often pod resources are polled to free tokens of vanished pods (<c>NSM_RESOURCE_POLL_TIMEOUT</c>); default 30 s.</summary>
    public TimeSpan ResourcePollTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the sockets are checked besides the file-system watch (kubelet restarts, our socket deleted); default 250 ms.</summary>
    public TimeSpan SocketCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Deadline of one call to kubelet (Register, pod-resources List); default 5 s.</summary>
    public TimeSpan KubeletCallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
