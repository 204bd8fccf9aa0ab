namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>The health strings of device-plugin API v1beta1 that ListAndWatch reports for each device.</summary>
public static class DeviceHealth
{
    /// <summary>A device kubelet may hand out.</summary>
    public const string Healthy = "Healthy";

    /// <summary>A device kubelet must not hand out.</summary>
    public const string Unhealthy = "Unhealthy";
}
