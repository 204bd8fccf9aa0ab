using static SriovForwarder.Gateway.Tests.DevicePlugin.DevicePluginClusterFixture;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>Restore from kubelet's pod resources at start and freeing the tokens of vanished pods after the grace.</summary>
[Collection(DevicePluginClusterCollection.Name)]
public sealed class PodResourcesTests(DevicePluginClusterFixture cluster)
{
    [Fact]
    public async Task Restore_PodsHoldTokens_TokensAllocatedAndTracked()
    {
        var ids = await FreeTokensAsync(Intel, 4, 2);
        var before = await AllocatedAsync(Intel);
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        kubelet.PodResources.SetPod("pod-a", Intel, ids);
        kubelet.PodResources.SetPod("pod-elsewhere", "other.vendor/gpu", "gpu-1");
        await kubelet.StartPodResourcesAsync();

        Assert.True(await kubelet.Manager.Reconciler!.RunOnceAsync(CancellationToken.None));

        Assert.True(kubelet.Manager.Reconciler.Restored);
        Assert.Equal(before + 2, await AllocatedAsync(Intel));
        Assert.All(ids, id => Assert.True(kubelet.Manager.Tracker.Contains(id)));
        Assert.False(kubelet.Manager.Tracker.Contains("gpu-1"));
        Assert.True(kubelet.PodResources.V1Calls >= 1);
        Assert.Equal(0, kubelet.PodResources.V1Alpha1Calls);
        await cluster.NodeGrain.FreeTokensAsync(ids);
    }

    [Fact]
    public async Task Restore_V1Unimplemented_FallsBackToV1Alpha1()
    {
        var ids = await FreeTokensAsync(TenG, 4, 1);
        var before = await AllocatedAsync(TenG);
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        kubelet.PodResources.V1Unimplemented = true;
        kubelet.PodResources.SetPod("pod-old", TenG, ids);
        await kubelet.StartPodResourcesAsync();

        Assert.True(await kubelet.Manager.Reconciler!.RunOnceAsync(CancellationToken.None));
        Assert.True(await kubelet.Manager.Reconciler.RunOnceAsync(CancellationToken.None));

        Assert.Equal(before + 1, await AllocatedAsync(TenG));
        // v1 is asked once; after its Unimplemented every list goes to v1alpha1 (the background start-up poll may add one).
        Assert.Equal(1, kubelet.PodResources.V1Calls);
        Assert.True(kubelet.PodResources.V1Alpha1Calls >= 2);
        await cluster.NodeGrain.FreeTokensAsync(ids);
    }

    [Fact]
    public async Task Reconcile_RestoredPodDisappears_TokensFreedOnlyAfterTheSecondPoll()
    {
        var ids = await FreeTokensAsync(Intel, 5, 2);
        var before = await AllocatedAsync(Intel);
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        kubelet.PodResources.SetPod("pod-b", Intel, ids);
        await kubelet.StartPodResourcesAsync();
        var reconciler = kubelet.Manager.Reconciler!;
        await reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(before + 2, await AllocatedAsync(Intel));

        kubelet.PodResources.RemovePod("pod-b");
        await reconciler.RunOnceAsync(CancellationToken.None);
        var afterFirstMiss = await AllocatedAsync(Intel);
        await reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(before + 2, afterFirstMiss);
        Assert.Equal(before, await AllocatedAsync(Intel));
        Assert.All(ids, id => Assert.False(kubelet.Manager.Tracker.Contains(id)));
        Assert.True(kubelet.Log.Has(5104, ids[0]));
    }

    [Fact]
    public async Task Reconcile_AllocatedBeforeAPluginRestartAndNoLongerListed_FreedOnlyAfterTheSecondPoll()
    {
        var ids = await FreeTokensAsync(TenG, 1, 3);
        await using (var before = await StandInKubelet.StartAsync(cluster))
        {
            using var client = before.ClientFor(await before.NextRegistrationAsync(TenG));
            await client.Plugin.AllocateAsync(new Api.Kubelet.DevicePlugin.V1Beta1.AllocateRequest
            {
                ContainerRequests = { new Api.Kubelet.DevicePlugin.V1Beta1.ContainerAllocateRequest { DevicesIds = { ids } } },
            });
        }

        Assert.Subset(await AllocatedIdsAsync(TenG), ids.ToHashSet());

        // A restarted plugin (a new process) has nothing in memory; kubelet still lists the pod of ids[2] only.
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        kubelet.PodResources.SetPod("pod-g", TenG, ids[2]);
        await kubelet.StartPodResourcesAsync();
        var reconciler = kubelet.Manager.Reconciler!;
        Assert.True(await reconciler.RunOnceAsync(CancellationToken.None));
        var afterFirstPoll = await AllocatedIdsAsync(TenG);
        Assert.True(await reconciler.RunOnceAsync(CancellationToken.None));
        var afterSecondPoll = await AllocatedIdsAsync(TenG);
        Assert.True(await reconciler.RunOnceAsync(CancellationToken.None));

        Assert.Subset(afterFirstPoll, ids.ToHashSet());
        Assert.DoesNotContain(ids[0], afterSecondPoll);
        Assert.DoesNotContain(ids[1], afterSecondPoll);
        Assert.Contains(ids[2], await AllocatedIdsAsync(TenG));
        Assert.True(kubelet.Log.Has(5104, $"{ids[0]},{ids[1]}") || kubelet.Log.Has(5104, $"{ids[1]},{ids[0]}"));
        Assert.Equal(1, kubelet.Log.Count(5104));
        await cluster.NodeGrain.FreeTokensAsync(ids);
    }

    [Fact]
    public async Task Reconcile_AllocatedBeforeAPluginRestartAndStillListed_Kept()
    {
        var ids = await FreeTokensAsync(Intel, 1, 1);
        await using (var before = await StandInKubelet.StartAsync(cluster))
        {
            using var client = before.ClientFor(await before.NextRegistrationAsync(Intel));
            await client.Plugin.AllocateAsync(new Api.Kubelet.DevicePlugin.V1Beta1.AllocateRequest
            {
                ContainerRequests = { new Api.Kubelet.DevicePlugin.V1Beta1.ContainerAllocateRequest { DevicesIds = { ids } } },
            });
        }

        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        kubelet.PodResources.SetPod("pod-h", Intel, ids);
        await kubelet.StartPodResourcesAsync();
        for (var poll = 0; poll < 3; poll++)
        {
            Assert.True(await kubelet.Manager.Reconciler!.RunOnceAsync(CancellationToken.None));
        }

        Assert.Contains(ids[0], await AllocatedIdsAsync(Intel));
        Assert.True(kubelet.Manager.Tracker.Contains(ids[0]));
        Assert.False(kubelet.Log.Has(5104, ids[0]));
        await cluster.NodeGrain.FreeTokensAsync(ids);
    }

    [Fact]
    public async Task Reconcile_AllocatedTokenListedLate_KeptThroughOneMiss()
    {
        var ids = await FreeTokensAsync(Intel, 6, 1);
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        await kubelet.StartPodResourcesAsync();
        var reconciler = kubelet.Manager.Reconciler!;
        await reconciler.RunOnceAsync(CancellationToken.None);
        using var client = kubelet.ClientFor(await kubelet.NextRegistrationAsync(Intel));
        await client.Plugin.AllocateAsync(new Api.Kubelet.DevicePlugin.V1Beta1.AllocateRequest
        {
            ContainerRequests = { new Api.Kubelet.DevicePlugin.V1Beta1.ContainerAllocateRequest { DevicesIds = { ids } } },
        });
        var allocated = await AllocatedAsync(Intel);

        // Kubelet does not list the pod yet on the first poll (it is still starting), then does.
        await reconciler.RunOnceAsync(CancellationToken.None);
        kubelet.PodResources.SetPod("pod-c", Intel, ids);
        await reconciler.RunOnceAsync(CancellationToken.None);
        await reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(allocated, await AllocatedAsync(Intel));

        kubelet.PodResources.RemovePod("pod-c");
        await reconciler.RunOnceAsync(CancellationToken.None);
        await reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(allocated - 1, await AllocatedAsync(Intel));
    }

    [Fact]
    public async Task Reconcile_ShortPollPeriod_VanishedPodFreedInTheBackground()
    {
        var ids = await FreeTokensAsync(TenG, 6, 2);
        var before = await AllocatedAsync(TenG);
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false, pollPeriod: TimeSpan.FromMilliseconds(50));
        kubelet.PodResources.SetPod("pod-d", TenG, ids);
        await kubelet.StartPodResourcesAsync();
        await Eventually.TrueAsync(async () => await AllocatedAsync(TenG) == before + 2, "two more allocated devices");

        kubelet.PodResources.RemovePod("pod-d");
        await Eventually.TrueAsync(async () => await AllocatedAsync(TenG) == before, "the allocations released");

        Assert.All(ids, id => Assert.False(kubelet.Manager.Tracker.Contains(id)));
    }

    [Fact]
    public async Task PodResources_SocketMissing_LoggedOnceAndRestoredWhenItAppears()
    {
        var ids = await FreeTokensAsync(TenG, 3, 1);
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        var reconciler = kubelet.Manager.Reconciler!;

        Assert.False(await reconciler.RunOnceAsync(CancellationToken.None));
        Assert.False(await reconciler.RunOnceAsync(CancellationToken.None));
        Assert.False(reconciler.Restored);
        Assert.Equal(1, kubelet.Log.Count(5101));
        Assert.True(kubelet.Log.Has(5101, Path.Combine(kubelet.PodResourcesPath, "kubelet.sock")));

        kubelet.PodResources.SetPod("pod-e", TenG, ids);
        await kubelet.StartPodResourcesAsync();
        Assert.True(await reconciler.RunOnceAsync(CancellationToken.None));
        Assert.True(reconciler.Restored);
        Assert.True(kubelet.Manager.Tracker.Contains(ids[0]));
        Assert.Equal(1, kubelet.Log.Count(5102));
        await cluster.NodeGrain.FreeTokensAsync(ids);
    }

    [Fact]
    public async Task PodResources_Hangs_DeadlineExceededLoggedAndNothingFreed()
    {
        var ids = await FreeTokensAsync(Intel, 7, 1);
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withPodResources: false);
        kubelet.PodResources.SetPod("pod-f", Intel, ids);
        await kubelet.StartPodResourcesAsync();
        var reconciler = kubelet.Manager.Reconciler!;
        await reconciler.RunOnceAsync(CancellationToken.None);
        var allocated = await AllocatedAsync(Intel);

        kubelet.PodResources.Hang = true;
        kubelet.PodResources.RemovePod("pod-f");
        Assert.False(await reconciler.RunOnceAsync(CancellationToken.None));
        Assert.False(await reconciler.RunOnceAsync(CancellationToken.None));

        Assert.True(kubelet.Log.Has(5101, "DeadlineExceeded"));
        Assert.Equal(allocated, await AllocatedAsync(Intel));
        Assert.True(kubelet.Manager.Tracker.Contains(ids[0]));
        await cluster.NodeGrain.FreeTokensAsync(ids);
    }

    private async Task<string[]> FreeTokensAsync(string resource, int skip, int count)
    {
        var ids = (await cluster.NodeGrain.GetDevicesAsync(resource)).Devices.Skip(skip).Take(count).Select(d => d.Id).ToArray();
        await cluster.NodeGrain.FreeTokensAsync(ids);
        return ids;
    }

    private async Task<HashSet<string>> AllocatedIdsAsync(string resource) =>
        (await cluster.NodeGrain.GetAllocatedTokensAsync()).GetValueOrDefault(resource, []).ToHashSet();

    private async Task<int> AllocatedAsync(string resource) =>
        (await cluster.NodeGrain.GetSnapshotAsync()).Resources.Single(r => r.Name == resource).Allocated;
}
