using Google.Protobuf;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using static SriovForwarder.Gateway.Tests.Protos.Wire;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Decodes and re-encodes hand-built kubelet device plugin vectors (upstream-behaviour.md section 9.7).</summary>
public sealed class DevicePluginWireTests
{
    [Fact]
    public void RegisterRequest_HandBuiltVector_DecodesVersionEndpointResourceAndOptions()
    {
        // 1 version, 2 endpoint, 3 resource_name, 4 options (DevicePluginOptions: 1 pre_start_required, 2 get_preferred_allocation_available).
        byte[] vector = Msg(
            Str(0x0A, "v1beta1"),
            Str(0x12, "worker.domain-10G.sock"),
            Str(0x1A, "worker.domain/10G"),
            Len(0x22, Var(0x08, 1), Var(0x10, 1)));

        var request = RegisterRequest.Parser.ParseFrom(vector);

        Assert.Equal("v1beta1", request.Version);
        Assert.Equal("worker.domain-10G.sock", request.Endpoint);
        Assert.Equal("worker.domain/10G", request.ResourceName);
        Assert.True(request.Options.PreStartRequired);
        Assert.True(request.Options.GetPreferredAllocationAvailable);
        Assert.Equal(vector, request.ToByteArray());
    }

    [Fact]
    public void ListAndWatchResponse_HandBuiltVector_DecodesDevicesHealthAndTopology()
    {
        // Device: 1 ID, 2 health, 3 topology (TopologyInfo: 1 nodes; NUMANode: 1 ID int64).
        byte[] vector = Msg(
            Len(0x0A, Str(0x0A, "tok-1"), Str(0x12, "Healthy"), Len(0x1A, Len(0x0A, Var(0x08, 1)), Len(0x0A, Var(0x08, 3)))),
            Len(0x0A, Str(0x0A, "tok-2"), Str(0x12, "Unhealthy")));

        var response = ListAndWatchResponse.Parser.ParseFrom(vector);

        Assert.Equal(["tok-1", "tok-2"], response.Devices.Select(d => d.ID));
        Assert.Equal(["Healthy", "Unhealthy"], response.Devices.Select(d => d.Health));
        Assert.Equal([1L, 3L], response.Devices[0].Topology.Nodes.Select(n => n.ID));
        Assert.Null(response.Devices[1].Topology);
        Assert.Equal(vector, response.ToByteArray());
    }

    [Fact]
    public void AllocateRequest_HandBuiltVector_DecodesDeviceIdsPerContainer()
    {
        // 1 container_requests; ContainerAllocateRequest: 1 devices_ids.
        byte[] vector = Msg(Len(0x0A, Str(0x0A, "tok-1"), Str(0x0A, "tok-2")), Len(0x0A, Str(0x0A, "tok-3")));

        var request = AllocateRequest.Parser.ParseFrom(vector);

        Assert.Equal(["tok-1", "tok-2"], request.ContainerRequests[0].DevicesIds);
        Assert.Equal(["tok-3"], request.ContainerRequests[1].DevicesIds);
        Assert.Equal(vector, request.ToByteArray());
    }

    [Fact]
    public void AllocateResponse_HandBuiltVector_DecodesEnvsMountsDevicesAnnotationsAndCdiDevices()
    {
        // ContainerAllocateResponse: 1 envs map, 2 mounts, 3 devices, 4 annotations map, 5 cdi_devices.
        byte[] vector = Msg(Len(0x0A,
            MapEntry(0x0A, "NSM_SRIOV_TOKENS_worker.domain/10G", "tok-1,tok-2"),
            Len(0x12, Str(0x0A, "/in/container"), Str(0x12, "/on/host"), Var(0x18, 1)),
            Len(0x1A, Str(0x0A, "/dev/vfio/12"), Str(0x12, "/dev/vfio/12"), Str(0x1A, "rw")),
            MapEntry(0x22, "note", "value"),
            Len(0x2A, Str(0x0A, "vendor.com/class=dev0"))));

        var response = AllocateResponse.Parser.ParseFrom(vector);

        var container = Assert.Single(response.ContainerResponses);
        Assert.Equal("tok-1,tok-2", container.Envs["NSM_SRIOV_TOKENS_worker.domain/10G"]);
        var mount = Assert.Single(container.Mounts);
        Assert.Equal(("/in/container", "/on/host", true), (mount.ContainerPath, mount.HostPath, mount.ReadOnly));
        var device = Assert.Single(container.Devices);
        Assert.Equal(("/dev/vfio/12", "/dev/vfio/12", "rw"), (device.ContainerPath, device.HostPath, device.Permissions));
        Assert.Equal("value", container.Annotations["note"]);
        Assert.Equal("vendor.com/class=dev0", Assert.Single(container.CdiDevices).Name);
        Assert.Equal(vector, response.ToByteArray());
    }

    [Fact]
    public void PreferredAllocation_HandBuiltVectors_DecodeAvailableMustIncludeSizeAndAnswer()
    {
        // ContainerPreferredAllocationRequest: 1 available_deviceIDs, 2 must_include_deviceIDs, 3 allocation_size int32.
        byte[] requestBytes = Msg(Len(0x0A, Str(0x0A, "tok-1"), Str(0x0A, "tok-2"), Str(0x12, "tok-2"), Var(0x18, 1)));
        // ContainerPreferredAllocationResponse: 1 deviceIDs.
        byte[] responseBytes = Msg(Len(0x0A, Str(0x0A, "tok-2")));

        var request = PreferredAllocationRequest.Parser.ParseFrom(requestBytes);
        var response = PreferredAllocationResponse.Parser.ParseFrom(responseBytes);

        var container = Assert.Single(request.ContainerRequests);
        Assert.Equal(["tok-1", "tok-2"], container.AvailableDeviceIDs);
        Assert.Equal(["tok-2"], container.MustIncludeDeviceIDs);
        Assert.Equal(1, container.AllocationSize);
        Assert.Equal(["tok-2"], Assert.Single(response.ContainerResponses).DeviceIDs);
        Assert.Equal(requestBytes, request.ToByteArray());
        Assert.Equal(responseBytes, response.ToByteArray());
    }

    [Fact]
    public void PreStartContainerRequest_HandBuiltVector_DecodesDeviceIds()
    {
        byte[] vector = Msg(Str(0x0A, "tok-1"));

        var request = PreStartContainerRequest.Parser.ParseFrom(vector);

        Assert.Equal(["tok-1"], request.DevicesIds);
        Assert.Equal(vector, request.ToByteArray());
    }
}
