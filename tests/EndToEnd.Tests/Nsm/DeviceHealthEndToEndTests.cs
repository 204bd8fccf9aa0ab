using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// Device health through the real executable on a simulated node (root: its PF netdevs are real veths) with a stand-in
/// kubelet and NSMgr: a PF losing carrier for real and a PF unplugged in the simulated sysfs turn the affected tokens
/// Unhealthy in ListAndWatch, show in the fleet with the reason, send a live connection on the affected VF a DOWN event,
/// refuse a Request naming the reason, and undoing the fault makes everything healthy again.
/// </summary>
[Trait("Requires", "root")]
public sealed class DeviceHealthEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root: the simulated PF netdevs are real veths")]
    public async Task CarrierDownThenPfUnplugged_TokensUnhealthyFleetReasonMonitorDownRequestRefused_ThenHealthyAgain()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var kubelet = new StandInKubeletSockets(Path.Combine(_harness.Folder, "k"));
        await kubelet.StartRegistrationAsync();
        await kubelet.StartPodResourcesAsync();
        _harness.AddContainerCgroup("pod-health", "c1");
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}", new Dictionary<string, string>
        {
            ["NSM_DEVICE_PLUGIN_PATH"] = kubelet.DevicePluginPath,
            ["NSM_POD_RESOURCES_PATH"] = kubelet.PodResourcesPath,
            ["NSM_HEALTH_RECONCILE_INTERVAL"] = "500ms",
        });
        await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        var registered = (await kubelet.AcceptedRegistrationsAsync(NsmForwarderFixture.Resource))[0];
        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        using var plugin = kubelet.ClientFor(registered);
        using var watchEnd = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var devices = plugin.Watch(watchEnd.Token);
        await devices.UntilAsync(r => r.Devices.Count > 0 && r.Devices.All(d => d.Health == "Healthy"));
        using var channel = _harness.OpenChannel();
        var client = new Api.Nsm.Networkservice.NetworkService.NetworkServiceClient(channel);
        var monitor = new MonitorConnection.MonitorConnectionClient(channel).MonitorConnections(new MonitorScopeSelector(), cancellationToken: watchEnd.Token);
        await monitor.ResponseStream.MoveNext(watchEnd.Token);

        // A live VFIO connection; its PF is the one that fails.
        var token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];
        await client.RequestAsync(NsmForwarderFixture.VfioRequest("health-conn", token, "pod-health/*"));
        var snapshot = await node.Node.GetSnapshotAsync();
        var held = Assert.Single(snapshot.Reservations);
        var netdev = snapshot.PhysicalFunctions.Single(p => p.Address == held.PfAddress).NetInterface!;
        var privateNamespace = $"sriovsim-{_harness.NodeTag}-{forwarder.Id}";

        // The peer end goes down: the PF netdev loses carrier, as a pulled cable does.
        IpCommand.Run("-n", privateNamespace, "link", "set", "p" + netdev, "down");

        var unhealthy = await devices.UntilAsync(r => r.Devices.Any(d => d.ID == token && d.Health == "Unhealthy"));
        var down = await NextEventAsync(monitor, e => e.Connections.Values.Any(c => c.State == State.Down), watchEnd.Token);
        var fleetPf = await FleetHealthReasonAsync(node, held.PfAddress, reason => reason.Contains("no carrier", StringComparison.Ordinal));
        var faulted = await node.Node.GetSnapshotAsync();
        var otherUnhealthy = unhealthy.Devices.FirstOrDefault(d => d.ID != token && d.Health == "Unhealthy")?.ID;
        Assert.True(otherUnhealthy is not null, $"another Unhealthy token of {NsmForwarderFixture.Resource}: devices "
            + string.Join(", ", unhealthy.Devices.Select(d => $"{d.ID}={d.Health}")) + "; unusable VFs "
            + string.Join(", ", faulted.UnusableVfs?.Keys ?? []) + "; PFs " + string.Join(", ", faulted.PhysicalFunctions.Select(p => $"{p.Address}:{string.Join('+', p.ResourceNames)}")));
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.RequestAsync(NsmForwarderFixture.VfioRequest("health-refused", otherUnhealthy, "pod-health/*")));

        Assert.Contains($"{netdev} has no carrier", fleetPf, StringComparison.Ordinal);
        Assert.Equal(held.VfAddress, Assert.Single(down.Connections.Values).Mechanism.Parameters["pciAddress"]);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains($"is unhealthy: PF {held.PfAddress}: netdev {netdev} has no carrier", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await node.Node.GetSnapshotAsync()).Reservations, r => r.ConnectionId == "health-refused");

        // Carrier back: healthy again, and the connection is UP again.
        IpCommand.Run("-n", privateNamespace, "link", "set", "p" + netdev, "up");

        await devices.UntilAsync(r => r.Devices.All(d => d.ID == token || d.Health == "Healthy") && r.Devices.Any(d => d.ID == token));
        await NextEventAsync(monitor, e => e.Connections.Values.Any(c => c.State == State.Up), watchEnd.Token);
        await FleetHealthReasonAsync(node, held.PfAddress, reason => reason.Length == 0);

        // A fault without a kernel event: the PF unplugged from the simulated sysfs, seen by the health reconcile pass.
        var pfLink = Path.Combine(_harness.SimulateDir, "sys", "bus", "pci", "devices", held.PfAddress);
        Directory.Move(pfLink, pfLink + ".unplugged");
        try
        {
            await devices.UntilAsync(r => r.Devices.Any(d => d.ID == token && d.Health == "Unhealthy"));
            var reason = await FleetHealthReasonAsync(node, held.PfAddress, r => r.Contains("is gone", StringComparison.Ordinal));
            Assert.Contains($"PF device {held.PfAddress} is gone", reason, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Move(pfLink + ".unplugged", pfLink);
        }

        await devices.UntilAsync(r => r.Devices.Any(d => d.ID == token && d.Health == "Healthy"));
        await FleetHealthReasonAsync(node, held.PfAddress, reason => reason.Length == 0);
    }

    private static async Task<ConnectionEvent> NextEventAsync(AsyncServerStreamingCall<ConnectionEvent> monitor, Func<ConnectionEvent, bool> wanted, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        while (await monitor.ResponseStream.MoveNext(timeout.Token))
        {
            if (wanted(monitor.ResponseStream.Current))
            {
                return monitor.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("the monitor stream ended before the expected event");
    }

    // The reason the fleet view shows for the PF ("" when healthy), once it satisfies wanted.
    private static async Task<string> FleetHealthReasonAsync(NodeClient node, string pfAddress, Func<string, bool> wanted)
    {
        var fleet = node.Grains.GetGrain<IFleetGrain>(IFleetGrain.Key);
        var reason = await Eventually.ValueAsync(
            async () => (await fleet.GetNodeAsync(NsmForwarderHarness.NodeName))?.Snapshot?.Health?.FirstOrDefault(h => h.Address == pfAddress)?.Reason ?? string.Empty,
            wanted,
            Patience);
        Assert.True(wanted(reason), $"the fleet shows \"{reason}\" for PF {pfAddress}");
        return reason;
    }
}
