using Grpc.Core;
using SriovForwarder.Kernel.Transport;
using static SriovForwarder.Gateway.Tests.DevicePlugin.DevicePluginClusterFixture;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>
/// ListAndWatch streams kubelet holds are ended from our side when their plugin server stops, so they hold neither the
/// shutdown nor the re-registration after a kubelet restart (Kestrel would otherwise wait for them until its timeout).
/// </summary>
[Collection(DevicePluginClusterCollection.Name)]
public sealed class StreamEndingTests(DevicePluginClusterFixture cluster)
{
    private const string StoppingDetail = "is stopping";

    [Fact]
    public async Task KubeletRestart_ListAndWatchHeldOnOldSocket_StreamEndedUnavailableAndRegisteredAgain()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var first = await kubelet.RegistrationsAsync(2);
        using var oldClient = kubelet.ClientFor(first.Single(r => r.Request.ResourceName == Intel));
        using var held = oldClient.Watch(CancellationToken.None);
        await held.NextAsync();

        await kubelet.RestartAsync();
        // Waits at most 15 s: a stream left open would hold the old server's stop for Kestrel's 30 s.
        var again = await kubelet.RegistrationsAsync(2);
        var ended = await held.EndAsync();

        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains(StoppingDetail, ended.Detail, StringComparison.Ordinal);
        Assert.All(again, r => Assert.NotNull(r.Options));
        using var newClient = kubelet.ClientFor(again.Single(r => r.Request.ResourceName == Intel));
        using var cancel = new CancellationTokenSource();
        using var fresh = newClient.Watch(cancel.Token);
        Assert.Equal(TokensPerResource, (await fresh.NextAsync()).Devices.Count);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task Stop_ListAndWatchOpenOnEveryResource_StreamsEndedUnavailableAndSocketsRemoved()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var registered = await kubelet.RegistrationsAsync(2);
        var clients = registered.Select(kubelet.ClientFor).ToList();
        var streams = clients.Select(c => c.Watch(CancellationToken.None)).ToList();
        foreach (var stream in streams)
        {
            await stream.NextAsync();
        }

        // The host calls StoppingAsync first and StopAsync later; StopAsync returns once everything is stopped.
        await kubelet.Manager.StoppingAsync(CancellationToken.None);
        await kubelet.Manager.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        var ended = await Task.WhenAll(streams.Select(s => s.EndAsync()));

        Assert.All(ended, s => Assert.Equal(StatusCode.Unavailable, s.StatusCode));
        Assert.All(ended, s => Assert.Contains(StoppingDetail, s.Detail, StringComparison.Ordinal));
        Assert.All(registered, r => Assert.False(UnixSocketFile.IsSocket(Path.Combine(kubelet.DevicePluginPath, r.Request.Endpoint))));
        Assert.True(kubelet.Log.Has(5015, "2 plugin servers"));
        streams.ForEach(s => s.Dispose());
        clients.ForEach(c => c.Dispose());
    }
}
