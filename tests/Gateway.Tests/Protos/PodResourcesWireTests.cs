using Google.Protobuf;
using static SriovForwarder.Gateway.Tests.Protos.Wire;
using V1 = SriovForwarder.Api.Kubelet.PodResources.V1;
using V1Alpha1 = SriovForwarder.Api.Kubelet.PodResources.V1Alpha1;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Decodes and re-encodes hand-built kubelet pod resources vectors (upstream-behaviour.md section 9.8).</summary>
public sealed class PodResourcesWireTests
{
    // ContainerDevices: 1 resource_name, 2 device_ids, 3 topology (v1 only).
    private static readonly byte[] Devices = Msg(Str(0x0A, "worker.domain/10G"), Str(0x12, "tok-1"), Str(0x12, "tok-2"));

    // v1 TopologyInfo: 1 nodes; NUMANode: 1 ID int64.
    private static readonly byte[] Topology = Msg(Len(0x0A, Var(0x08, 1)));

    // v1 ContainerMemory: 1 memory_type, 2 size uint64, 3 topology.
    private static readonly byte[] Memory = Msg(Str(0x0A, "hugepages-2Mi"), Var(0x10, 4_294_967_296), Len(0x1A, Topology));

    [Fact]
    public void V1Alpha1ListResponse_HandBuiltVector_DecodesPodsContainersAndDevices()
    {
        // ListPodResourcesResponse: 1 pod_resources; PodResources: 1 name, 2 namespace, 3 containers; ContainerResources: 1 name, 2 devices.
        byte[] vector = Msg(Len(0x0A, Str(0x0A, "nsc-pod"), Str(0x12, "default"), Len(0x1A, Str(0x0A, "nsc"), Len(0x12, Devices))));

        var response = V1Alpha1.ListPodResourcesResponse.Parser.ParseFrom(vector);

        var pod = Assert.Single(response.PodResources);
        Assert.Equal(("nsc-pod", "default"), (pod.Name, pod.Namespace));
        var container = Assert.Single(pod.Containers);
        Assert.Equal("nsc", container.Name);
        var devices = Assert.Single(container.Devices);
        Assert.Equal("worker.domain/10G", devices.ResourceName);
        Assert.Equal(["tok-1", "tok-2"], devices.DeviceIds);
        Assert.Equal(vector, response.ToByteArray());
    }

    [Fact]
    public void V1ListResponse_HandBuiltVector_DecodesDevicesCpusMemoryAndDynamicResources()
    {
        // ContainerResources: 1 name, 2 devices, 3 cpu_ids (packed int64), 4 memory, 5 dynamic_resources.
        // DynamicResource: 2 claim_name, 3 claim_namespace, 4 claim_resources;
        // ClaimResource: 1 cdi_devices, 2 driver_name, 3 pool_name, 4 device_name, 5 share_id (optional).
        byte[] container = Msg(
            Str(0x0A, "nsc"),
            Len(0x12, Devices, Len(0x1A, Topology)),
            Len(0x1A, new byte[] { 0x02, 0x03 }),
            Len(0x22, Memory),
            Len(0x2A, Str(0x12, "claim"), Str(0x1A, "claims-ns"),
                Len(0x22, Len(0x0A, Str(0x0A, "vendor.com/class=dev0")), Str(0x12, "driver"), Str(0x1A, "pool"), Str(0x22, "dev0"), Str(0x2A, ""))));
        // PodResources: 1 name, 2 namespace, 3 containers, 4 cpu_ids (packed int64), 5 memory.
        byte[] vector = Msg(Len(0x0A, Str(0x0A, "nsc-pod"), Str(0x12, "default"), Len(0x1A, container), Len(0x22, new byte[] { 0x01 }), Len(0x2A, Memory)));

        var response = V1.ListPodResourcesResponse.Parser.ParseFrom(vector);

        var pod = Assert.Single(response.PodResources);
        Assert.Equal(("nsc-pod", "default"), (pod.Name, pod.Namespace));
        Assert.Equal([1L], pod.CpuIds);
        Assert.Equal("hugepages-2Mi", Assert.Single(pod.Memory).MemoryType);
        var resources = Assert.Single(pod.Containers);
        var devices = Assert.Single(resources.Devices);
        Assert.Equal("worker.domain/10G", devices.ResourceName);
        Assert.Equal(["tok-1", "tok-2"], devices.DeviceIds);
        Assert.Equal(1L, Assert.Single(devices.Topology.Nodes).ID);
        Assert.Equal([2L, 3L], resources.CpuIds);
        Assert.Equal(4_294_967_296UL, Assert.Single(resources.Memory).Size);
        var dynamic = Assert.Single(resources.DynamicResources);
        Assert.Equal(("claim", "claims-ns"), (dynamic.ClaimName, dynamic.ClaimNamespace));
        var claim = Assert.Single(dynamic.ClaimResources);
        Assert.Equal(("driver", "pool", "dev0"), (claim.DriverName, claim.PoolName, claim.DeviceName));
        Assert.Equal("vendor.com/class=dev0", Assert.Single(claim.CdiDevices).Name);
        // proto3 optional: an explicitly sent empty share_id is present, unlike a plain string field.
        Assert.True(claim.HasShareId);
        Assert.Equal(vector, response.ToByteArray());
    }

    [Fact]
    public void V1AllocatableAndGet_HandBuiltVectors_DecodeDevicesCpusMemoryAndPod()
    {
        // AllocatableResourcesResponse: 1 devices, 2 cpu_ids, 3 memory.
        byte[] allocatableBytes = Msg(Len(0x0A, Devices), Len(0x12, new byte[] { 0x04, 0x05 }), Len(0x1A, Memory));
        // GetPodResourcesRequest: 1 pod_name, 2 pod_namespace; GetPodResourcesResponse: 1 pod_resources.
        byte[] getRequestBytes = Msg(Str(0x0A, "nsc-pod"), Str(0x12, "default"));
        byte[] getResponseBytes = Msg(Len(0x0A, Str(0x0A, "nsc-pod"), Str(0x12, "default")));

        var allocatable = V1.AllocatableResourcesResponse.Parser.ParseFrom(allocatableBytes);
        var getRequest = V1.GetPodResourcesRequest.Parser.ParseFrom(getRequestBytes);
        var getResponse = V1.GetPodResourcesResponse.Parser.ParseFrom(getResponseBytes);

        Assert.Equal(["tok-1", "tok-2"], Assert.Single(allocatable.Devices).DeviceIds);
        Assert.Equal([4L, 5L], allocatable.CpuIds);
        Assert.Equal(1L, Assert.Single(allocatable.Memory).Topology.Nodes[0].ID);
        Assert.Equal(("nsc-pod", "default"), (getRequest.PodName, getRequest.PodNamespace));
        Assert.Equal("nsc-pod", getResponse.PodResources.Name);
        Assert.Equal(allocatableBytes, allocatable.ToByteArray());
        Assert.Equal(getRequestBytes, getRequest.ToByteArray());
        Assert.Equal(getResponseBytes, getResponse.ToByteArray());
    }
}
