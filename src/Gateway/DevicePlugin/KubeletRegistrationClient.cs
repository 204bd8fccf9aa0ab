using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Calls kubelet's <c>v1beta1.Registration/Register</c> on <c>kubelet.sock</c>, with a deadline.</summary>
public sealed class KubeletRegistrationClient(string kubeletSocketPath, TimeSpan timeout)
{
    /// <summary>The device-plugin API version sent in <c>Register</c>.</summary>
    public const string ApiVersion = "v1beta1";

    /// <summary>The request kubelet is sent for one plugin socket.</summary>
    public static RegisterRequest Request(string endpoint, string resourceName) => new()
    {
        Version = ApiVersion,
        Endpoint = endpoint,
        ResourceName = resourceName,
        Options = DevicePluginService.Options,
    };

    /// <summary>Registers; throws <see cref="RpcException"/> with kubelet's status, or Unavailable/DeadlineExceeded naming the socket.</summary>
    public async Task RegisterAsync(string endpoint, string resourceName, CancellationToken cancellationToken)
    {
        using var channel = UnixSocketChannelFactory.Create(kubeletSocketPath, timeout);
        var client = new Registration.RegistrationClient(channel);
        await client.RegisterAsync(Request(endpoint, resourceName), deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
    }
}
