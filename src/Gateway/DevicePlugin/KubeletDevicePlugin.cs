namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>The constants of kubelet's device-plugin API v1beta1 and of upstream's token hand-over.</summary>
public static class KubeletDevicePlugin
{
    /// <summary>The API version sent in <c>Register</c>.</summary>
    public const string Version = "v1beta1";

    /// <summary>The file name of kubelet's registration socket inside the device-plugin folder.</summary>
    public const string KubeletSocketName = "kubelet.sock";

    /// <summary>Health string of a device kubelet may hand out.</summary>
    public const string Healthy = "Healthy";

    /// <summary>Health string of a device kubelet must not hand out.</summary>
    public const string Unhealthy = "Unhealthy";

    /// <summary>Prefix of the env variable a container receives; the resource name follows (upstream's name, kept as is).</summary>
    public const string TokensEnvPrefix = "NSM_SRIOV_TOKENS_";

    /// <summary>The env variable holding the token ids of <paramref name="resourceName"/>.</summary>
    public static string TokensEnvName(string resourceName) => TokensEnvPrefix + resourceName;
}
