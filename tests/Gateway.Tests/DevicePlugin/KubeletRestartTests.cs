using System.Diagnostics;
using Grpc.Core;
using SriovForwarder.Kernel.Transport;
using Xunit.Abstractions;
using static SriovForwarder.Gateway.Tests.DevicePlugin.DevicePluginClusterFixture;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>Kubelet restarts, a missing kubelet and a kubelet that refuses Register.</summary>
[Collection(DevicePluginClusterCollection.Name)]
public sealed class KubeletRestartTests(DevicePluginClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task KubeletRestart_SocketsDeletedAndKubeletSockRecreated_RegistersAgainOnFreshSocketsAndServes()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var first = await kubelet.RegistrationsAsync(2);

        var clock = Stopwatch.StartNew();
        await kubelet.RestartAsync();
        var again = await kubelet.RegistrationsAsync(2);
        output.WriteLine($"registered again {clock.ElapsedMilliseconds} ms after kubelet.sock was re-created (informative; measured in bench/)");

        Assert.Equal(first.Select(r => r.Request.ResourceName).Order(), again.Select(r => r.Request.ResourceName).Order());
        Assert.Empty(first.Select(r => r.Request.Endpoint).Intersect(again.Select(r => r.Request.Endpoint)));
        Assert.All(again, r => Assert.True(UnixSocketFile.IsSocket(Path.Combine(kubelet.DevicePluginPath, r.Request.Endpoint))));
        Assert.All(again, r => Assert.NotNull(r.Options));
        using var client = kubelet.ClientFor(again.Single(r => r.Request.ResourceName == Intel));
        using var cancel = new CancellationTokenSource();
        using var stream = client.Watch(cancel.Token);
        Assert.Equal(TokensPerResource, (await stream.NextAsync()).Devices.Count);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task OurSocketDeleted_WithoutKubeletRestart_ServedAgainAndRegistered()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster);
        var first = await kubelet.NextRegistrationAsync(TenG);

        File.Delete(Path.Combine(kubelet.DevicePluginPath, first.Request.Endpoint));
        var again = await kubelet.NextRegistrationAsync(TenG);

        Assert.NotEqual(first.Request.Endpoint, again.Request.Endpoint);
        Assert.NotNull(again.Options);
        Assert.True(kubelet.Log.Has(5004, TenG));
    }

    [Fact]
    public async Task Start_WithoutKubelet_LogsOnceKeepsWaitingAndRegistersWhenKubeletAppears()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withKubelet: false);
        await Eventually.TrueAsync(() => kubelet.Log.Count(5001) > 0, "a registration to be logged");
        // Several socket checks pass without a kubelet (250 ms apart): they must not repeat the line.
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(1, kubelet.Log.Count(5001));
        Assert.True(kubelet.Log.Has(5001, Path.Combine(kubelet.DevicePluginPath, "kubelet.sock")));
        Assert.Empty(Directory.GetFiles(kubelet.DevicePluginPath));

        await kubelet.StartRegistrationAsync();
        var registrations = await kubelet.RegistrationsAsync(2);

        Assert.All(registrations, r => Assert.NotNull(r.Options));
    }

    [Fact]
    public async Task Register_KubeletAnswersError_LoggedWithStatusAndRetriedUntilAccepted()
    {
        await using var kubelet = await StandInKubelet.StartAsync(cluster, withKubelet: false);
        kubelet.Registration.Refuse = new Status(StatusCode.InvalidArgument, "plugin version not supported");
        await kubelet.StartRegistrationAsync();

        var refused = await kubelet.NextRegistrationAsync(Intel);
        await Eventually.TrueAsync(() => kubelet.Log.Has(5003, "plugin version not supported"), "the refused registration to be logged");
        kubelet.Registration.Refuse = null;
        // The manager retries every socket check (250 ms) and registers the resources one after the other, so
        // refused calls made before the switch can still be queued: wait for the first accepted one of each.
        var accepted = await kubelet.AcceptedRegistrationsAsync(Intel, TenG);
        // The manager logs the registration once kubelet's answer is back, just after the stand-in recorded it.
        await Eventually.TrueAsync(() => accepted.All(r => kubelet.Log.Has(5002, r.Request.Endpoint)), "every accepted registration to be logged");

        Assert.Null(refused.Options);
        Assert.True(kubelet.Log.Has(5003, "InvalidArgument"));
        Assert.All(accepted, r => Assert.NotNull(r.Options));
    }
}
