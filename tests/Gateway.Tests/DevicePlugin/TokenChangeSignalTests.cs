using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>What the ListAndWatch streams learn from the node grain's notifications (decision 042).</summary>
public sealed class TokenChangeSignalTests
{
    private const string Intel = "d/intel";
    private const string TenG = "d/10G";

    [Fact]
    public async Task Publish_WakesAWaiterThatSawTheOldVersionAndKeepsEachResourcesDevices()
    {
        var signal = new TokenChangeSignal();
        var seen = signal.Version;
        var waiting = signal.WaitAsync(seen, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        signal.Publish(Change(1, (Intel, true), (TenG, false)));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotEqual(seen, signal.Version);
        Assert.True(signal.Pushed(Intel)!.Devices[0].Healthy);
        Assert.False(signal.Pushed(TenG)!.Devices[0].Healthy);
        Assert.Null(signal.Pushed("d/other"));
    }

    [Fact]
    public void Publish_AnEarlierChangeArrivingLate_DoesNotReplaceTheLaterDevices()
    {
        var signal = new TokenChangeSignal();

        signal.Publish(Change(5, (Intel, false)));
        signal.Publish(Change(4, (Intel, true)));

        Assert.Equal(5, signal.Pushed(Intel)!.Version);
        Assert.False(signal.Pushed(Intel)!.Devices[0].Healthy);
    }

    [Fact]
    public async Task Notify_DropsThePushedDevicesSoStreamsAskTheNodeAndWakesWaiters()
    {
        var signal = new TokenChangeSignal();
        signal.Publish(Change(7, (Intel, true)));
        var waiting = signal.WaitAsync(signal.Version, CancellationToken.None);

        signal.Notify();

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(signal.Pushed(Intel));
        // After a new subscription the node grain may be a new activation counting from 1 again: its lists are kept.
        signal.Publish(Change(1, (Intel, false)));
        Assert.Equal(1, signal.Pushed(Intel)!.Version);
    }

    private static TokenPoolChange Change(long version, params (string Resource, bool Healthy)[] resources) =>
        new(version, [.. resources.Select(r => new ResourceDevices(r.Resource, [new TokenDevice("t-" + r.Resource, r.Healthy, 0)], version))]);
}
