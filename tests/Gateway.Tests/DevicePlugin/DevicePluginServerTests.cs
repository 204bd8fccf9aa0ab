using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Interfaces.Models;
using static SriovForwarder.Gateway.Tests.DevicePlugin.DevicePluginClusterFixture;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>Registration, ListAndWatch and Allocate against the stand-in kubelet and the real node grain on a SIMULATED node.</summary>
[Collection(DevicePluginClusterCollection.Name)]
public sealed class DevicePluginServerTests(DevicePluginClusterFixture cluster)
{
    [Fact]
    public async Task Start_WithKubelet_RegistersEveryResourceOnItsOwnSocket()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);

        var registrations = await kubelet.RegistrationsAsync(2);

        Assert.Equal([TenG, Intel], (await cluster.NodeGrain.GetResourceNamesAsync()).Order(StringComparer.Ordinal));
        Assert.Equal([TenG, Intel], registrations.Select(r => r.Request.ResourceName).Order(StringComparer.Ordinal));
        Assert.All(registrations, r =>
        {
            Assert.Equal("v1beta1", r.Request.Version);
            Assert.DoesNotContain("/", r.Request.Endpoint, StringComparison.Ordinal);
            Assert.True(UnixSocketFile.IsSocket(Path.Combine(kubelet.DevicePluginPath, r.Request.Endpoint)));
            Assert.False(r.Request.Options.PreStartRequired);
            Assert.True(r.Request.Options.GetPreferredAllocationAvailable);
            Assert.Equal(r.Request.Options, r.Options);
        });
        Assert.NotEqual(registrations[0].Request.Endpoint, registrations[1].Request.Endpoint);
    }

    [Fact]
    public async Task ListAndWatch_FirstList_HasOneHealthyDevicePerTokenWithNumaNode()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var registered = await kubelet.NextRegistrationAsync(Intel);
        using var client = kubelet.ClientFor(registered);
        using var cancel = new CancellationTokenSource();
        using var stream = client.Watch(cancel.Token);

        var first = await stream.NextAsync();

        var expected = await cluster.NodeGrain.GetDevicesAsync(Intel);
        Assert.Equal(TokensPerResource, first.Devices.Count);
        Assert.Equal(expected.Devices.Select(d => d.Id).Order(), first.Devices.Select(d => d.ID).Order());
        Assert.All(first.Devices, d =>
        {
            Assert.Equal("Healthy", d.Health);
            Assert.Equal(0, Assert.Single(d.Topology.Nodes).ID);
        });
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task ListAndWatch_TokenUsedByConnection_SiblingTurnsUnhealthyAndBackAfterRelease()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var registrations = await kubelet.RegistrationsAsync(2);
        using var client = kubelet.ClientFor(registrations.Single(r => r.Request.ResourceName == TenG));
        using var cancel = new CancellationTokenSource();
        using var stream = client.Watch(cancel.Token);
        Assert.All((await stream.NextAsync()).Devices, d => Assert.Equal("Healthy", d.Health));
        var intelToken = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices[0].Id;
        var connection = "conn-" + Guid.NewGuid().ToString("N");

        await cluster.NodeGrain.ReserveAsync(new ReserveRequest(connection, intelToken, VfDriver.Kernel));
        var closed = await stream.UntilAsync(r => r.Devices.Any(d => d.Health == "Unhealthy"));
        await cluster.NodeGrain.ReleaseAsync(connection);
        var reopened = await stream.UntilAsync(r => r.Devices.All(d => d.Health == "Healthy"));

        Assert.Single(closed.Devices, d => d.Health == "Unhealthy");
        Assert.Equal(TokensPerResource, closed.Devices.Count);
        Assert.Equal(TokensPerResource, reopened.Devices.Count);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task ListAndWatch_ChangesInQuickSuccession_EndsOnTheNodesStateAfterTheLast()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var registrations = await kubelet.RegistrationsAsync(2);
        using var client = kubelet.ClientFor(registrations.Single(r => r.Request.ResourceName == TenG));
        using var cancel = new CancellationTokenSource();
        using var stream = client.Watch(cancel.Token);
        Assert.All((await stream.NextAsync()).Devices, d => Assert.Equal("Healthy", d.Health));
        var intelTokens = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices.Take(3).Select(d => d.Id).ToList();
        var connections = intelTokens.Select(_ => "conn-" + Guid.NewGuid().ToString("N")).ToList();

        // Four changes without waiting for the stream in between: what it shows last must be the node's state after them.
        for (var i = 0; i < intelTokens.Count; i++)
        {
            await cluster.NodeGrain.ReserveAsync(new ReserveRequest(connections[i], intelTokens[i], VfDriver.Kernel));
        }

        await cluster.NodeGrain.ReleaseAsync(connections[0]);
        var expected = (await cluster.NodeGrain.GetDevicesAsync(TenG)).Devices.Where(d => !d.Healthy).Select(d => d.Id).Order().ToList();
        var shown = await stream.UntilAsync(r => r.Devices.Where(d => d.Health == "Unhealthy").Select(d => d.ID).Order().SequenceEqual(expected));

        Assert.Equal(2, expected.Count);
        Assert.Equal(TokensPerResource, shown.Devices.Count);
        await cluster.NodeGrain.ReleaseAsync(connections[1]);
        await cluster.NodeGrain.ReleaseAsync(connections[2]);
        await stream.UntilAsync(r => r.Devices.All(d => d.Health == "Healthy"));
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task Allocate_TwoContainers_EachGetsItsTokensInTheEnvVariable()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));
        var ids = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices.Select(d => d.Id).Take(3).ToArray();
        await cluster.NodeGrain.FreeTokensAsync(ids);
        var before = await AllocatedAsync(Intel);

        var response = await client.Plugin.AllocateAsync(new AllocateRequest
        {
            ContainerRequests =
            {
                new ContainerAllocateRequest { DevicesIds = { ids[0], ids[1] } },
                new ContainerAllocateRequest { DevicesIds = { ids[2] } },
            },
        });

        Assert.Equal(2, response.ContainerResponses.Count);
        Assert.Equal($"{ids[0]},{ids[1]}", Assert.Single(response.ContainerResponses[0].Envs, e => e.Key == "NSM_SRIOV_TOKENS_service.domain.1/intel").Value);
        Assert.Equal(ids[2], Assert.Single(response.ContainerResponses[1].Envs).Value);
        Assert.Empty(response.ContainerResponses[0].Mounts);
        Assert.Equal(before + 3, await AllocatedAsync(Intel));
        Assert.All(ids, id => Assert.True(kubelet.Manager.Tracker.Contains(id)));
        await cluster.NodeGrain.FreeTokensAsync(ids);
    }

    [Fact]
    public async Task Allocate_UnknownId_InvalidArgumentNamingItAndNothingAllocated()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));
        var known = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices[0].Id;
        await cluster.NodeGrain.FreeTokensAsync([known]);
        var before = await AllocatedAsync(Intel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Plugin.AllocateAsync(new AllocateRequest
        {
            ContainerRequests = { new ContainerAllocateRequest { DevicesIds = { known, "sriov-not-a-token" } } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("sriov-not-a-token", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await AllocatedAsync(Intel));
        Assert.False(kubelet.Manager.Tracker.Contains(known));
        Assert.True(kubelet.Log.Has(5011, "sriov-not-a-token"));
    }

    [Fact]
    public async Task Allocate_IdOfAnotherResource_InvalidArgumentAndNothingAllocated()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));
        var own = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices[1].Id;
        var other = (await cluster.NodeGrain.GetDevicesAsync(TenG)).Devices[1].Id;
        await cluster.NodeGrain.FreeTokensAsync([own, other]);
        var before = (await AllocatedAsync(Intel), await AllocatedAsync(TenG));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Plugin.AllocateAsync(new AllocateRequest
        {
            ContainerRequests = { new ContainerAllocateRequest { DevicesIds = { own } }, new ContainerAllocateRequest { DevicesIds = { other } } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(other, error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(TenG, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await AllocatedAsync(Intel), await AllocatedAsync(TenG)));
    }

    [Fact]
    public async Task Allocate_EmptyRequestOrContainerWithoutIds_InvalidArgument()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));
        var id = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices[2].Id;
        await cluster.NodeGrain.FreeTokensAsync([id]);
        var before = await AllocatedAsync(Intel);

        var empty = await Assert.ThrowsAsync<RpcException>(() => client.Plugin.AllocateAsync(new AllocateRequest()).ResponseAsync);
        var noIds = await Assert.ThrowsAsync<RpcException>(() => client.Plugin.AllocateAsync(new AllocateRequest
        {
            ContainerRequests = { new ContainerAllocateRequest { DevicesIds = { id } }, new ContainerAllocateRequest() },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Contains("no container_requests", empty.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, noIds.StatusCode);
        Assert.Contains("container_requests[1] has no devices_ids", noIds.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await AllocatedAsync(Intel));
    }

    [Fact]
    public async Task Allocate_ClosedToken_FailedPreconditionAndNothingAllocated()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var registrations = await kubelet.RegistrationsAsync(2);
        using var client = kubelet.ClientFor(registrations.Single(r => r.Request.ResourceName == TenG));
        var connection = "conn-" + Guid.NewGuid().ToString("N");
        await cluster.NodeGrain.ReserveAsync(new ReserveRequest(connection, (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices[3].Id, VfDriver.Kernel));
        try
        {
            var devices = (await cluster.NodeGrain.GetDevicesAsync(TenG)).Devices;
            var closed = devices.Single(d => !d.Healthy).Id;
            var healthy = devices.First(d => d.Healthy).Id;
            await cluster.NodeGrain.FreeTokensAsync([healthy]);
            var before = await AllocatedAsync(TenG);

            var error = await Assert.ThrowsAsync<RpcException>(() => client.Plugin.AllocateAsync(new AllocateRequest
            {
                ContainerRequests = { new ContainerAllocateRequest { DevicesIds = { healthy, closed } } },
            }).ResponseAsync);

            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Contains(closed, error.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(before, await AllocatedAsync(TenG));
        }
        finally
        {
            await cluster.NodeGrain.ReleaseAsync(connection);
        }
    }

    [Fact]
    public async Task GetDevicePluginOptionsAndPreStartContainer_TellTheTruthAndSucceed()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));

        var options = await client.Plugin.GetDevicePluginOptionsAsync(new Empty());
        var preStart = await client.Plugin.PreStartContainerAsync(new PreStartContainerRequest { DevicesIds = { "x" } });

        Assert.Equal(DevicePluginService.Options, options);
        Assert.True(options.GetPreferredAllocationAvailable);
        Assert.NotNull(preStart);
    }

    [Fact]
    public async Task GetPreferredAllocation_MustIncludeHoldsAVf_AnswersTheSizeWithItFirstAndFreeTokensAfter()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));
        var ids = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices.Where(d => d.Healthy).Select(d => d.Id).ToList();
        var connection = "conn-" + Guid.NewGuid().ToString("N");
        await cluster.NodeGrain.ReserveAsync(new ReserveRequest(connection, ids[^1], VfDriver.Kernel));
        try
        {
            var response = await client.Plugin.GetPreferredAllocationAsync(new PreferredAllocationRequest
            {
                ContainerRequests = { new ContainerPreferredAllocationRequest { AvailableDeviceIDs = { ids }, MustIncludeDeviceIDs = { ids[^1] }, AllocationSize = 3 } },
            });

            var chosen = Assert.Single(response.ContainerResponses).DeviceIDs;
            Assert.Equal(3, chosen.Count);
            Assert.Equal(ids[^1], chosen[0]);
            Assert.Equal(3, chosen.Distinct().Count());
            Assert.All(chosen, id => Assert.Contains(id, ids));
            var topology = await cluster.NodeGrain.GetTopologyAsync(Intel);
            Assert.NotNull(topology.Tokens.Single(t => t.Id == ids[^1]).PfAddress);
            Assert.All(chosen.Skip(1), id => Assert.Null(topology.Tokens.Single(t => t.Id == id).PfAddress));
            Assert.True(kubelet.Log.Has(5016, $"must include [{ids[^1]}], preferred [{string.Join(",", chosen)}] aiming at NUMA node(s) [0]"));
        }
        finally
        {
            await cluster.NodeGrain.ReleaseAsync(connection);
            await cluster.NodeGrain.FreeTokensAsync([ids[^1]]);
        }
    }

    [Fact]
    public async Task GetPreferredAllocation_UnknownId_InvalidArgumentNamingIt()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));
        var known = (await cluster.NodeGrain.GetDevicesAsync(Intel)).Devices[0].Id;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Plugin.GetPreferredAllocationAsync(new PreferredAllocationRequest
        {
            ContainerRequests = { new ContainerPreferredAllocationRequest { AvailableDeviceIDs = { known, "sriov-not-a-token" }, AllocationSize = 1 } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("available_deviceIDs names sriov-not-a-token, which is not a device of this resource", error.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<int> AllocatedAsync(string resource) =>
        (await cluster.NodeGrain.GetSnapshotAsync()).Resources.Single(r => r.Name == resource).Allocated;
}
