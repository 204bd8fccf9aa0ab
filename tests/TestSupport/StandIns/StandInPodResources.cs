using Grpc.Core;
using V1 = SriovForwarder.Api.Kubelet.PodResources.V1;
using V1Alpha1 = SriovForwarder.Api.Kubelet.PodResources.V1Alpha1;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>What the stand-in pod-resources services answer: pods with one container holding device ids.</summary>
public sealed class PodResourcesState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Resource, string[] Ids)> _pods = [];

    /// <summary>When true, v1 answers Unimplemented (an older kubelet) and only v1alpha1 works.</summary>
    public bool V1Unimplemented { get; set; }

    /// <summary>When true, both versions hang until the caller's deadline.</summary>
    public bool Hang { get; set; }

    public int V1Calls { get; set; }

    public int V1Alpha1Calls { get; set; }

    public void SetPod(string pod, string resource, params string[] ids)
    {
        lock (_lock)
        {
            _pods[pod] = (resource, ids);
        }
    }

    public void RemovePod(string pod)
    {
        lock (_lock)
        {
            _pods.Remove(pod);
        }
    }

    public IReadOnlyList<(string Pod, string Resource, string[] Ids)> Pods()
    {
        lock (_lock)
        {
            return [.. _pods.Select(p => (p.Key, p.Value.Resource, p.Value.Ids))];
        }
    }

    public async Task HangIfAskedAsync(ServerCallContext context)
    {
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }
}

/// <summary>Kubelet's v1 PodResourcesLister as a stand-in.</summary>
public sealed class StandInPodResourcesV1(PodResourcesState state) : V1.PodResourcesLister.PodResourcesListerBase
{
    public override async Task<V1.ListPodResourcesResponse> List(V1.ListPodResourcesRequest request, ServerCallContext context)
    {
        state.V1Calls++;
        await state.HangIfAskedAsync(context);
        if (state.V1Unimplemented)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "unknown service v1.PodResourcesLister"));
        }

        var response = new V1.ListPodResourcesResponse();
        foreach (var (pod, resource, ids) in state.Pods())
        {
            response.PodResources.Add(new V1.PodResources
            {
                Name = pod,
                Namespace = "default",
                Containers = { new V1.ContainerResources { Name = "c", Devices = { new V1.ContainerDevices { ResourceName = resource, DeviceIds = { ids } } } } },
            });
        }

        return response;
    }
}

/// <summary>Kubelet's v1alpha1 PodResourcesLister as a stand-in.</summary>
public sealed class StandInPodResourcesV1Alpha1(PodResourcesState state) : V1Alpha1.PodResourcesLister.PodResourcesListerBase
{
    public override async Task<V1Alpha1.ListPodResourcesResponse> List(V1Alpha1.ListPodResourcesRequest request, ServerCallContext context)
    {
        state.V1Alpha1Calls++;
        await state.HangIfAskedAsync(context);
        var response = new V1Alpha1.ListPodResourcesResponse();
        foreach (var (pod, resource, ids) in state.Pods())
        {
            response.PodResources.Add(new V1Alpha1.PodResources
            {
                Name = pod,
                Namespace = "default",
                Containers = { new V1Alpha1.ContainerResources { Name = "c", Devices = { new V1Alpha1.ContainerDevices { ResourceName = resource, DeviceIds = { ids } } } } },
            });
        }

        return response;
    }
}
