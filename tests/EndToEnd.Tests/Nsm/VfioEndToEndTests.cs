using System.Globalization;
using SriovForwarder.Api.Nsm.Connection;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>VFIO connections through the real executable (root: mknod'ed vfio nodes, driver binds on the simulated node).</summary>
[Trait("Requires", "root")]
public sealed class VfioEndToEndTests(NsmForwarderFixture fixture) : IClassFixture<NsmForwarderFixture>
{
    [RootFact("runs the forwarder as root: mknod'ed vfio nodes and driver binds on the simulated node")]
    public async Task RequestThenClose_Vfio_GrantsTheDevicesRevokesThemFreesTheVfAndClosesTheNextHop()
    {
        var cgroup = fixture.Harness.AddContainerCgroup("pod-vfio", "c1");
        var token = await fixture.FreeTokenAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var events = fixture.Monitor.MonitorConnections(new MonitorScopeSelector(), cancellationToken: cancel.Token);
        Assert.True(await events.ResponseStream.MoveNext(cancel.Token));

        var connection = await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest("vfio-1", token, "pod-vfio/*"), cancellationToken: cancel.Token);
        var update = await NextEventAsync(events, "vfio-1", cancel.Token);
        var reserved = Assert.Single((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
        var allowed = cgroup.Writes();
        await fixture.Client.CloseAsync(connection, cancellationToken: cancel.Token);
        var delete = await NextEventAsync(events, "vfio-1", cancel.Token);
        var writes = cgroup.Writes();
        var after = await fixture.Node.Node.GetSnapshotAsync();

        var parameters = connection.Mechanism.Parameters;
        var group = reserved.IommuGroup;
        var vfio = DeviceNumbers.Of(Path.Combine(fixture.VfioPath, "vfio"));
        var device = DeviceNumbers.Of(Path.Combine(fixture.VfioPath, group.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal("VFIO", connection.Mechanism.Type);
        Assert.Equal(reserved.VfAddress, parameters["pciAddress"]);
        Assert.Equal(group.ToString(CultureInfo.InvariantCulture), parameters["iommuGroup"]);
        Assert.Equal((vfio.Major.ToString(CultureInfo.InvariantCulture), vfio.Minor.ToString(CultureInfo.InvariantCulture)), (parameters["vfioMajor"], parameters["vfioMinor"]));
        Assert.Equal((device.Major.ToString(CultureInfo.InvariantCulture), device.Minor.ToString(CultureInfo.InvariantCulture)), (parameters["deviceMajor"], parameters["deviceMinor"]));
        Assert.Equal(
            new[] { $"allow: c {vfio.Major}:{vfio.Minor} rwm", $"allow: c {device.Major}:{device.Minor} rwm" }.Order(StringComparer.Ordinal),
            allowed.Order(StringComparer.Ordinal));
        Assert.Contains(writes, w => w.StartsWith($"deny: c {vfio.Major}:{vfio.Minor} ", StringComparison.Ordinal));
        Assert.Contains(writes, w => w.StartsWith($"deny: c {device.Major}:{device.Minor} ", StringComparison.Ordinal));
        Assert.DoesNotContain(cgroup.ReadList(), l => l.StartsWith($"c {device.Major}:{device.Minor} ", StringComparison.Ordinal));
        Assert.DoesNotContain(after.Reservations, r => r.TokenId == token || r.VfAddress == reserved.VfAddress);
        Assert.Contains(fixture.Nsmgr.Nse.Closes, c => c.Id == "vfio-1");
        Assert.Equal((ConnectionEventType.Update, ConnectionEventType.Delete), (update.Type, delete.Type));
        var again = await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest("vfio-1b", token, "pod-vfio/*"), cancellationToken: cancel.Token);
        await fixture.Client.CloseAsync(again, cancellationToken: cancel.Token);
        Assert.NotEmpty(again.Mechanism.Parameters["pciAddress"]);
    }

    [RootFact("runs the forwarder as root: mknod'ed vfio nodes and driver binds on the simulated node")]
    public async Task RequestThenClose_LocalNseAnsweredByInodeLikeNsmgr_DialsItThroughThePassedSocketDescriptor()
    {
        fixture.Harness.AddContainerCgroup("pod-local-nse", "c1");
        var token = await fixture.FreeTokenAsync();
        var request = NsmForwarderFixture.VfioRequest("vfio-local-nse", token, "pod-local-nse/*", endpoint: "nse-local");
        request.Connection.NetworkService = "ns-local";

        var connection = await fixture.Client.RequestAsync(request);
        await fixture.Client.CloseAsync(connection);

        // The registry gave only inode://dev/ino with the NSE socket's descriptor; reaching the NSE proves it was used.
        Assert.Contains(fixture.Nsmgr.Nse.Requests, r => r.Connection.NetworkService == "ns-local");
        Assert.Contains(fixture.Nsmgr.Nse.Closes, c => c.NetworkService == "ns-local");
        Assert.DoesNotContain((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
    }

    private static async Task<ConnectionEvent> NextEventAsync(
        Grpc.Core.AsyncServerStreamingCall<ConnectionEvent> events, string connectionId, CancellationToken cancellationToken)
    {
        while (await events.ResponseStream.MoveNext(cancellationToken))
        {
            if (events.ResponseStream.Current.Connections.ContainsKey(connectionId))
            {
                return events.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException($"the monitor stream ended before an event for {connectionId}");
    }
}
