using Grpc.Core;
using SriovForwarder.Kernel.Transport;
using V1 = SriovForwarder.Api.Kubelet.PodResources.V1;
using V1Alpha1 = SriovForwarder.Api.Kubelet.PodResources.V1Alpha1;

namespace SriovForwarder.Gateway.PodResources;

/// <summary>
/// Asks kubelet's <c>PodResourcesLister/List</c> which device ids pods hold, per resource name:
/// v1 first, v1alpha1 when kubelet answers v1 with Unimplemented (older kubelets).
/// </summary>
public sealed class PodResourcesClient(string socketPath, TimeSpan timeout)
{
    private bool _useV1Alpha1;

    /// <summary>The socket asked.</summary>
    public string SocketPath => socketPath;

    /// <summary>The API version of the last successful answer (<c>v1</c> or <c>v1alpha1</c>).</summary>
    public string ApiVersion => _useV1Alpha1 ? "v1alpha1" : "v1";

    /// <summary>Resource name → the device ids pods hold; throws <see cref="RpcException"/> (Unavailable, DeadlineExceeded, ...) naming the socket.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ListAsync(CancellationToken cancellationToken)
    {
        using var channel = UnixSocketChannelFactory.Create(socketPath, timeout);
        if (!_useV1Alpha1)
        {
            try
            {
                var answer = await new V1.PodResourcesLister.PodResourcesListerClient(channel)
                    .ListAsync(new V1.ListPodResourcesRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
                return Collect(answer.PodResources.SelectMany(p => p.Containers).SelectMany(c => c.Devices).Select(d => (d.ResourceName, d.DeviceIds)));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
            {
                _useV1Alpha1 = true;
            }
            catch (RpcException ex)
            {
                throw Named(ex);
            }
        }

        try
        {
            var old = await new V1Alpha1.PodResourcesLister.PodResourcesListerClient(channel)
                .ListAsync(new V1Alpha1.ListPodResourcesRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return Collect(old.PodResources.SelectMany(p => p.Containers).SelectMany(c => c.Devices).Select(d => (d.ResourceName, d.DeviceIds)));
        }
        catch (RpcException ex)
        {
            throw Named(ex);
        }
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Collect(IEnumerable<(string Resource, Google.Protobuf.Collections.RepeatedField<string> Ids)> devices)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (resource, ids) in devices)
        {
            if (!result.TryGetValue(resource, out var list))
            {
                result[resource] = list = [];
            }

            list.AddRange(ids);
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    private DateTime Deadline() => DateTime.UtcNow + timeout;

    private RpcException Named(RpcException ex) =>
        new(new Status(ex.StatusCode, $"pod-resources List on {socketPath} failed: {ex.Status.Detail}", ex.Status.DebugException));
}
