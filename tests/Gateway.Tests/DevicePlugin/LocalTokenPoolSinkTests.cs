using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using static SriovForwarder.Gateway.Tests.DevicePlugin.DevicePluginClusterFixture;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>
/// The node grain handing its token changes to the co-hosted plugin's <see cref="LocalTokenPoolSink"/> instead of an Orleans
/// observer (decision 050): the real node grain on a SIMULATED node, the real plugin server and a ListAndWatch client.
/// </summary>
public sealed class LocalTokenPoolSinkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TokenChange_WithoutAnyObserverSubscription_ReachesListAndWatchAndBack()
    {
        await using var plugin = await LocalSinkPlugin.StartAsync(TenG);
        using var client = plugin.Client();
        using var cancel = new CancellationTokenSource();
        using var stream = client.Watch(cancel.Token);
        Assert.All((await stream.NextAsync()).Devices, d => Assert.Equal("Healthy", d.Health));
        var intelToken = (await plugin.NodeGrain.GetDevicesAsync(Intel)).Devices[0].Id;

        await plugin.NodeGrain.ReserveAsync(new ReserveRequest("conn-1", intelToken, VfDriver.Kernel));
        var closed = await stream.UntilAsync(r => r.Devices.Any(d => d.Health == "Unhealthy"));
        await plugin.NodeGrain.ReleaseAsync("conn-1");
        var reopened = await stream.UntilAsync(r => r.Devices.All(d => d.Health == "Healthy"));

        Assert.Single(closed.Devices, d => d.Health == "Unhealthy");
        Assert.Equal(TokensPerResource, closed.Devices.Count);
        Assert.Equal(TokensPerResource, reopened.Devices.Count);
        Assert.Equal(2, plugin.Recorded.Versions.Count);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task StreamOpenedAfterAChange_FirstListIsTheNodesFullCurrentState()
    {
        await using var plugin = await LocalSinkPlugin.StartAsync(TenG);
        var intelToken = (await plugin.NodeGrain.GetDevicesAsync(Intel)).Devices[0].Id;
        await plugin.NodeGrain.ReserveAsync(new ReserveRequest("conn-1", intelToken, VfDriver.Kernel));
        var expected = await plugin.NodeGrain.GetDevicesAsync(TenG);
        using var client = plugin.Client();
        using var cancel = new CancellationTokenSource();

        using var stream = client.Watch(cancel.Token);
        var first = await stream.NextAsync();

        Assert.Equal(TokensPerResource, first.Devices.Count);
        Assert.Equal(
            expected.Devices.Select(d => (d.Id, d.Healthy ? "Healthy" : "Unhealthy")).Order(),
            first.Devices.Select(d => (d.ID, d.Health)).Order());
        Assert.Single(first.Devices, d => d.Health == "Unhealthy");
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task ManyChanges_EveryVersionHandedOverOnceInOrderAndTheStreamEndsOnTheLastState()
    {
        await using var plugin = await LocalSinkPlugin.StartAsync(TenG);
        using var client = plugin.Client();
        using var cancel = new CancellationTokenSource();
        using var stream = client.Watch(cancel.Token);
        await stream.NextAsync();
        var intelTokens = (await plugin.NodeGrain.GetDevicesAsync(Intel)).Devices.Select(d => d.Id).ToList();
        var before = plugin.Recorded.Versions.Count;

        // 105 changes, from several callers at once, without waiting for the stream.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(caller => Task.Run(async () =>
        {
            for (var round = 0; round < 13; round++)
            {
                var connection = $"conn-{caller}-{round}";
                await plugin.NodeGrain.ReserveAsync(new ReserveRequest(connection, intelTokens[caller], VfDriver.Kernel));
                await plugin.NodeGrain.ReleaseAsync(connection);
            }
        })));
        // Leave one change standing, so the last state differs from the first list.
        await plugin.NodeGrain.ReserveAsync(new ReserveRequest("conn-last", intelTokens[5], VfDriver.Kernel));
        var expected = await plugin.NodeGrain.GetDevicesAsync(TenG);
        var shown = await stream.UntilAsync(r => Unhealthy(r.Devices.Select(d => (d.ID, d.Health == "Healthy"))).SequenceEqual(
            Unhealthy(expected.Devices.Select(d => (d.Id, d.Healthy)))));

        var versions = plugin.Recorded.Versions.Skip(before).ToList();
        Assert.True(versions.Count >= (4 * 13 * 2) + 1, $"changes handed over: {versions.Count}");
        Assert.Equal(Enumerable.Range(0, versions.Count).Select(i => versions[0] + i), versions);
        Assert.Equal(versions[^1], expected.Version);
        Assert.Single(shown.Devices, d => d.Health == "Unhealthy");
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task NodeGrainReactivated_ItsVersionsStartAgain_StreamStillShowsItsChanges()
    {
        await using var plugin = await LocalSinkPlugin.StartAsync(TenG);
        using var client = plugin.Client();
        using var cancel = new CancellationTokenSource();
        using var stream = client.Watch(cancel.Token);
        await stream.NextAsync();
        var intelTokens = (await plugin.NodeGrain.GetDevicesAsync(Intel)).Devices.Select(d => d.Id).ToList();
        // Several changes first, each seen by the stream, so what the old activation pushed last (and the stream used) has a
        // version above what the new one starts with.
        for (var i = 0; i < 3; i++)
        {
            await plugin.NodeGrain.ReserveAsync(new ReserveRequest($"conn-{i}", intelTokens[i], VfDriver.Kernel));
            await stream.UntilAsync(r => r.Devices.Any(d => d.Health == "Unhealthy"));
            await plugin.NodeGrain.ReleaseAsync($"conn-{i}");
            await stream.UntilAsync(r => r.Devices.All(d => d.Health == "Healthy"));
        }

        var oldVersion = plugin.Recorded.Versions[^1];

        await plugin.Silos.Grains.GetGrain<IManagementGrain>(0).DeactivateGrain(plugin.NodeGrain.GetGrainId(), CancellationToken.None);
        await plugin.NodeGrain.ReserveAsync(new ReserveRequest("conn-after", intelTokens[0], VfDriver.Kernel));
        var closed = await stream.UntilAsync(r => r.Devices.Any(d => d.Health == "Unhealthy"));

        Assert.True(plugin.Recorded.Activations >= 2, $"activations seen by the sink: {plugin.Recorded.Activations}");
        Assert.True(plugin.Recorded.Versions[^1] < oldVersion, $"the new activation's version {plugin.Recorded.Versions[^1]} should start below {oldVersion}");
        Assert.Single(closed.Devices, d => d.Health == "Unhealthy");
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task ObserverSubscriptions_TheOneTheSinkCoversIsSkipped_AnotherIsStillTold()
    {
        await using var plugin = await LocalSinkPlugin.StartAsync(TenG);
        var factory = plugin.Silos.SiloGrains;
        var covered = new RecordingObserver();
        var other = new RecordingObserver();
        var coveredReference = factory.CreateObjectReference<ITokenPoolObserver>(covered);
        var otherReference = factory.CreateObjectReference<ITokenPoolObserver>(other);
        plugin.Sink.CoverSubscription(coveredReference);
        await plugin.NodeGrain.SubscribeAsync(coveredReference);
        await plugin.NodeGrain.SubscribeAsync(otherReference);
        var intelToken = (await plugin.NodeGrain.GetDevicesAsync(Intel)).Devices[0].Id;

        await plugin.NodeGrain.ReserveAsync(new ReserveRequest("conn-1", intelToken, VfDriver.Kernel));
        await plugin.NodeGrain.ReleaseAsync("conn-1");
        var told = await other.VersionsAsync(2);
        // One more round trip through the grain: anything sent to the covered one would have arrived by now.
        await plugin.NodeGrain.GetResourceNamesAsync();

        Assert.Equal(plugin.Recorded.Versions.TakeLast(2), told);
        Assert.Empty(covered.Versions);
        GC.KeepAlive(covered);
        GC.KeepAlive(other);
    }

    [Fact]
    public void Sink_ChangeOfAnotherNode_NotTakenAndNoWake()
    {
        var signal = new TokenChangeSignal();
        var sink = new LocalTokenPoolSink(signal, Options.Create(new KubeletDevicePluginOptions { NodeName = "node-a" }));
        var version = signal.Version;

        var taken = sink.Publish("node-b", Change(1));
        sink.Activated("node-b");

        Assert.False(taken);
        Assert.Equal(version, signal.Version);
        Assert.Null(signal.Pushed(TenG));
    }

    [Fact]
    public void Sink_Activated_DropsWhatTheOldActivationPushedAndWakesTheStreams()
    {
        var signal = new TokenChangeSignal();
        var sink = new LocalTokenPoolSink(signal, Options.Create(new KubeletDevicePluginOptions { NodeName = "node-a" }));
        Assert.True(sink.Publish("node-a", Change(7)));
        Assert.Equal(7, signal.Pushed(TenG)!.Version);
        var version = signal.Version;

        sink.Activated("node-a");
        var takenAfter = sink.Publish("node-a", Change(1));

        Assert.True(takenAfter);
        Assert.Equal(version + 2, signal.Version);
        Assert.Equal(1, signal.Pushed(TenG)!.Version);
    }

    [Fact]
    public void AddKubeletDevicePlugin_TheSinkTheNodeGrainFindsWakesThePluginsOwnSignal()
    {
        using var services = new ServiceCollection()
            .AddKubeletDevicePlugin(o => o.NodeName = "node-a")
            .BuildServiceProvider();
        var signal = services.GetRequiredService<TokenChangeSignal>();
        var sink = services.GetRequiredService<ILocalTokenPoolSink>();

        var taken = sink.Publish("node-a", Change(3));

        Assert.True(taken);
        Assert.Same(services.GetRequiredService<LocalTokenPoolSink>(), sink);
        Assert.Equal(3, signal.Pushed(TenG)!.Version);
    }

    private static IEnumerable<string> Unhealthy(IEnumerable<(string Id, bool Healthy)> devices) =>
        devices.Where(d => !d.Healthy).Select(d => d.Id).Order(StringComparer.Ordinal);

    private static TokenPoolChange Change(long version) =>
        new(version, [new ResourceDevices(TenG, [new TokenDevice("t1", true, 0)], version)]);

    private sealed class RecordingObserver : ITokenPoolObserver
    {
        private readonly Lock _gate = new();
        private readonly List<long> _versions = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<long> Versions
        {
            get
            {
                lock (_gate)
                {
                    return [.. _versions];
                }
            }
        }

        public Task OnTokensChangedAsync(TokenPoolChange change)
        {
            lock (_gate)
            {
                _versions.Add(change.Version);
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return Task.CompletedTask;
        }

        public async Task<IReadOnlyList<long>> VersionsAsync(int count)
        {
            using var timeout = new CancellationTokenSource(Patience);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_versions.Count >= count)
                    {
                        return [.. _versions];
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(timeout.Token);
            }
        }
    }
}
