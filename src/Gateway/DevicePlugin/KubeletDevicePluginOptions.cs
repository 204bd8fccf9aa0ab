namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Where kubelet's sockets are and how the device plugin paces its calls to them.</summary>
public sealed class KubeletDevicePluginOptions
{
    /// <summary>The default <see cref="DevicePluginPath"/>, where kubelet keeps its device-plugin sockets.</summary>
    public const string DefaultDevicePluginPath = "/var/lib/kubelet/device-plugins/";

    /// <summary>The default <see cref="PodResourcesPath"/>, where kubelet keeps its pod-resources socket.</summary>
    public const string DefaultPodResourcesPath = "/var/lib/kubelet/pod-resources/";

    /// <summary>The default <see cref="ResourcePollTimeout"/>.</summary>
    public static readonly TimeSpan DefaultResourcePollTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The node whose token pool the plugin serves (<c>NSM_NODE_NAME</c>).</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Kubelet's device-plugin folder, holding <c>kubelet.sock</c> and our plugin sockets (<c>NSM_DEVICE_PLUGIN_PATH</c>).</summary>
    public string DevicePluginPath { get; set; } = DefaultDevicePluginPath;

    /// <summary>Kubelet's pod-resources folder, holding its <c>kubelet.sock</c> (<c>NSM_POD_RESOURCES_PATH</c>).</summary>
    public string PodResourcesPath { get; set; } = DefaultPodResourcesPath;

    /// <summary>How often pod resources are polled to free tokens of vanished pods (<c>NSM_RESOURCE_POLL_TIMEOUT</c>); default 30 s.</summary>
    public TimeSpan ResourcePollTimeout { get; set; } = DefaultResourcePollTimeout;

    /// <summary>How often the sockets are checked besides the file-system watch (kubelet restarts, our socket deleted); default 250 ms.</summary>
    public TimeSpan SocketCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Deadline of one call to kubelet (Register, pod-resources List); default 5 s.</summary>
    public TimeSpan KubeletCallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
