namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>The name kubelet gives its sockets: registration in the device-plugin folder, pod resources in its own folder.</summary>
public static class KubeletSocketFile
{
    /// <summary>The file name of a kubelet socket inside its folder.</summary>
    public const string Name = "kubelet.sock";
}
