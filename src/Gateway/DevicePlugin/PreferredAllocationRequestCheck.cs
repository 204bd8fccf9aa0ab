using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// Checks kubelet's GetPreferredAllocation request against the resource's tokens before anything is chosen; each problem
/// is an InvalidArgument naming the container, the field and the id or number.
/// </summary>
public static class PreferredAllocationRequestCheck
{
    /// <summary>The checked ask of every container, in order.</summary>
    public static IReadOnlyList<PreferredAllocationAsk> Asks(PreferredAllocationRequest request, ResourceTopology topology)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(topology);
        var resource = topology.ResourceName;
        if (request.ContainerRequests.Count == 0)
        {
            throw Invalid($"preferred allocation request for {resource} has no container_requests");
        }

        var known = topology.Tokens.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var asks = new List<PreferredAllocationAsk>(request.ContainerRequests.Count);
        for (var i = 0; i < request.ContainerRequests.Count; i++)
        {
            var container = request.ContainerRequests[i];
            var where = $"preferred allocation request for {resource}: container_requests[{i}]";
            var available = Known(container.AvailableDeviceIDs, "available_deviceIDs", where, known);
            var mustInclude = Known(container.MustIncludeDeviceIDs, "must_include_deviceIDs", where, known);
            var offered = available.ToHashSet(StringComparer.Ordinal);
            var missing = mustInclude.FirstOrDefault(id => !offered.Contains(id));
            if (missing is not null)
            {
                throw Invalid($"{where}.must_include_deviceIDs names {missing}, which is not in available_deviceIDs");
            }

            var size = container.AllocationSize;
            if (size <= 0)
            {
                throw Invalid($"{where}.allocation_size must be at least 1, got {size}");
            }

            if (size < mustInclude.Count)
            {
                throw Invalid($"{where}.allocation_size {size} is smaller than the {mustInclude.Count} must_include_deviceIDs");
            }

            if (size > available.Count)
            {
                throw Invalid($"{where}.allocation_size {size} is larger than the {available.Count} available_deviceIDs");
            }

            asks.Add(new PreferredAllocationAsk(available, mustInclude, size));
        }

        return asks;
    }

    // Distinct ids, each a token of the resource: an unknown one is named, since kubelet only knows what ListAndWatch sent.
    private static List<string> Known(IEnumerable<string> ids, string field, string where, HashSet<string> known)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!known.Contains(id))
            {
                throw Invalid($"{where}.{field} names {(id.Length == 0 ? "an empty id" : id)}, which is not a device of this resource");
            }

            if (seen.Add(id))
            {
                result.Add(id);
            }
        }

        return result;
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
