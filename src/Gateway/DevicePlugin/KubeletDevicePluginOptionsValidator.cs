using Microsoft.Extensions.Options;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>The rules of <see cref="KubeletDevicePluginOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class KubeletDevicePluginOptionsValidator : IValidateOptions<KubeletDevicePluginOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, KubeletDevicePluginOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.DevicePluginPath))
        {
            failures.Add("DevicePluginPath (NSM_DEVICE_PLUGIN_PATH) must not be empty");
        }

        if (string.IsNullOrEmpty(options.PodResourcesPath))
        {
            failures.Add("PodResourcesPath (NSM_POD_RESOURCES_PATH) must not be empty");
        }

        // Zero periods would poll kubelet in a busy loop.
        if (options.ResourcePollTimeout <= TimeSpan.Zero)
        {
            failures.Add("ResourcePollTimeout (NSM_RESOURCE_POLL_TIMEOUT) must be positive");
        }

        if (options.SocketCheckInterval <= TimeSpan.Zero)
        {
            failures.Add("SocketCheckInterval must be positive");
        }

        if (options.KubeletCallTimeout <= TimeSpan.Zero)
        {
            failures.Add("KubeletCallTimeout must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
