using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>Bad GetPreferredAllocation requests are refused with InvalidArgument naming the container, field and id.</summary>
public sealed class PreferredAllocationRequestCheckTests
{
    private static readonly ResourceTopology Topology = new(
        "sd/cap",
        [new TopologyPhysicalFunction("0000:01:00.0", 0, 3)],
        [new("t1", true, false, null), new("t2", true, false, null), new("t3", true, false, null)]);

    private static PreferredAllocationRequest Request(IEnumerable<string> available, IEnumerable<string> mustInclude, int size) => new()
    {
        ContainerRequests =
        {
            new ContainerPreferredAllocationRequest { AvailableDeviceIDs = { "t1" }, AllocationSize = 1 },
            new ContainerPreferredAllocationRequest { AvailableDeviceIDs = { available }, MustIncludeDeviceIDs = { mustInclude }, AllocationSize = size },
        },
    };

    [Theory]
    [InlineData(new[] { "t1", "sriov-unknown" }, new string[0], 1, "container_requests[1].available_deviceIDs names sriov-unknown, which is not a device of this resource")]
    [InlineData(new[] { "t1", "t2" }, new[] { "sriov-gone" }, 1, "container_requests[1].must_include_deviceIDs names sriov-gone, which is not a device of this resource")]
    [InlineData(new[] { "t1", "t2" }, new[] { "t3" }, 2, "container_requests[1].must_include_deviceIDs names t3, which is not in available_deviceIDs")]
    [InlineData(new[] { "t1", "t2" }, new string[0], 0, "container_requests[1].allocation_size must be at least 1, got 0")]
    [InlineData(new[] { "t1", "t2", "t3" }, new[] { "t1", "t2" }, 1, "container_requests[1].allocation_size 1 is smaller than the 2 must_include_deviceIDs")]
    [InlineData(new[] { "t1", "t2", "t2" }, new string[0], 3, "container_requests[1].allocation_size 3 is larger than the 2 available_deviceIDs")]
    public void BadRequest_InvalidArgumentNamingTheProblem(string[] available, string[] mustInclude, int size, string expected)
    {
        var error = Assert.Throws<RpcException>(() => PreferredAllocationRequestCheck.Asks(Request(available, mustInclude, size), Topology));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal($"preferred allocation request for sd/cap: {expected}", error.Status.Detail);
    }

    [Fact]
    public void NoContainers_InvalidArgument()
    {
        var error = Assert.Throws<RpcException>(() => PreferredAllocationRequestCheck.Asks(new PreferredAllocationRequest(), Topology));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("no container_requests", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodRequest_OneAskPerContainerWithDuplicatesDropped()
    {
        var asks = PreferredAllocationRequestCheck.Asks(Request(["t3", "t2", "t3"], ["t2", "t2"], 2), Topology);

        Assert.Equal(2, asks.Count);
        Assert.Equal(["t3", "t2"], asks[1].Available);
        Assert.Equal(["t2"], asks[1].MustInclude);
        Assert.Equal(2, asks[1].Size);
    }
}
