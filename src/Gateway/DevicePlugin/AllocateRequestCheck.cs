using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Checks the shape of kubelet's Allocate request before anything is allocated.</summary>
public static class AllocateRequestCheck
{
    /// <summary>All token ids of the request, in order; throws InvalidArgument naming the container and id when the request is malformed.</summary>
    public static IReadOnlyList<string> TokenIds(AllocateRequest request, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContainerRequests.Count == 0)
        {
            throw Invalid($"allocate request for {resourceName} has no container_requests");
        }

        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.ContainerRequests.Count; i++)
        {
            var container = request.ContainerRequests[i];
            if (container.DevicesIds.Count == 0)
            {
                throw Invalid($"allocate request for {resourceName}: container_requests[{i}] has no devices_ids");
            }

            foreach (var id in container.DevicesIds)
            {
                if (string.IsNullOrWhiteSpace(id))
                {
                    throw Invalid($"allocate request for {resourceName}: container_requests[{i}] has an empty device id");
                }

                if (!seen.Add(id))
                {
                    throw Invalid($"allocate request for {resourceName}: device id {id} is asked for twice");
                }

                ids.Add(id);
            }
        }

        return ids;
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
