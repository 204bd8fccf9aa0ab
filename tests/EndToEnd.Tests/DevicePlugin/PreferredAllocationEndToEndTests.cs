using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.EndToEnd.Tests.DevicePlugin;

/// <summary>
/// Kubelet's GetPreferredAllocation against the real executable on a SIMULATED node whose PFs sit on NUMA node 1,
/// through a stand-in kubelet: the option is offered, the answer has the size asked with the must-include id first.
/// </summary>
public sealed class PreferredAllocationEndToEndTests : IDisposable
{
    private const string Resource = "service.domain.1/intel";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task StandInKubelet_AsksForThreeWithOneMustInclude_GetsThreeAvailableIdsMustIncludeFirst()
    {
        await using var kubelet = new StandInKubeletSockets(Path.Combine(_folder, "k"));
        await kubelet.StartRegistrationAsync();
        await kubelet.StartPodResourcesAsync();
        await using var forwarder = ForwarderProcess.Start(["--simulate=pfs=2,vfs=4,numa=1"], new Dictionary<string, string>
        {
            ["NSM_NODE_NAME"] = "e2e-node",
            ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{ForwarderProcess.FreePort()}",
            ["NSM_SILO_PORT"] = ForwarderProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NSM_GATEWAY_PORT"] = ForwarderProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NSM_DEVICE_PLUGIN_PATH"] = kubelet.DevicePluginPath,
            ["NSM_POD_RESOURCES_PATH"] = kubelet.PodResourcesPath,
            ["NSM_CONNECT_TO"] = $"unix://{Path.Combine(_folder, "nsm.io.sock")}",
            ["NSM_LISTEN_ON"] = $"unix://{Path.Combine(_folder, "listen_on.io.sock")}",
        });
        await forwarder.WaitForLineAsync("sriov-forwarder ready", StartTimeout);
        var registered = (await kubelet.AcceptedRegistrationsAsync(Resource))[0];
        using var plugin = kubelet.ClientFor(registered);
        using var cancel = new CancellationTokenSource();
        using var stream = plugin.Watch(cancel.Token);
        var devices = (await stream.NextAsync()).Devices;
        var ids = devices.Select(d => d.ID).ToList();

        var response = await plugin.Plugin.GetPreferredAllocationAsync(new PreferredAllocationRequest
        {
            ContainerRequests = { new ContainerPreferredAllocationRequest { AvailableDeviceIDs = { ids }, MustIncludeDeviceIDs = { ids[5] }, AllocationSize = 3 } },
        });
        var unknown = await Assert.ThrowsAsync<RpcException>(() => plugin.Plugin.GetPreferredAllocationAsync(new PreferredAllocationRequest
        {
            ContainerRequests = { new ContainerPreferredAllocationRequest { AvailableDeviceIDs = { ids[0], "sriov-not-a-token" }, AllocationSize = 1 } },
        }).ResponseAsync);
        await cancel.CancelAsync();

        Assert.True(registered.Options!.GetPreferredAllocationAvailable);
        Assert.Equal(8, ids.Count);
        Assert.All(devices, d => Assert.Equal(1, Assert.Single(d.Topology.Nodes).ID));
        var chosen = Assert.Single(response.ContainerResponses).DeviceIDs;
        Assert.Equal(3, chosen.Distinct().Count());
        Assert.Equal(ids[5], chosen[0]);
        Assert.All(chosen, id => Assert.Contains(id, ids));
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("sriov-not-a-token, which is not a device of this resource", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await forwarder.TerminateAsync(TimeSpan.FromSeconds(30)));
    }
}
