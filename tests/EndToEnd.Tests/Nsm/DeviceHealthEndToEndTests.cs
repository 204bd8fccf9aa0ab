using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// Device health through the real executable on a simulated node (root: its PF netdevs are real veths) with a stand-in
/// kubelet and NSMgr, the faults played with the executable's <c>simulate-fault</c> verb as a person would: a PF losing
/// carrier for real, a PF unplugged and a VF's driver unbound in the simulated sysfs turn the affected tokens Unhealthy in
/// ListAndWatch, show in the fleet with the reason, send the live KERNEL and VFIO connections on the affected VFs a DOWN
/// event, refuse a Request naming the reason, and undoing the fault makes everything healthy (and UP) again.
/// </summary>
[Trait("Requires", "root")]
public sealed class DeviceHealthEndToEndTests : IDisposable
{
    private const string KernelInterface = "nsm-h";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root: the simulated PF netdevs are real veths")]
    public async Task CarrierDownThenPfUnpluggedThroughTheVerb_TokensUnhealthyFleetReasonKernelAndVfioDownRequestRefused_ThenHealthyAgain()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var kubelet = new StandInKubeletSockets(Path.Combine(_harness.Folder, "k"));
        await kubelet.StartRegistrationAsync();
        await kubelet.StartPodResourcesAsync();
        _harness.AddContainerCgroup("pod-health", "c1");
        using var pod = new ClientNamespace();
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
        using var watchEnd = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        using var devices = plugin.Watch(watchEnd.Token);
        await devices.UntilAsync(r => r.Devices.Count > 0 && r.Devices.All(d => d.Health == "Healthy"));
        using var channel = _harness.OpenChannel();
        var client = new Api.Nsm.Networkservice.NetworkService.NetworkServiceClient(channel);
        var monitor = new MonitorConnection.MonitorConnectionClient(channel).MonitorConnections(new MonitorScopeSelector(), cancellationToken: watchEnd.Token);
        await monitor.ResponseStream.MoveNext(watchEnd.Token);

        // A live VFIO connection; its PF is the one that fails. A live KERNEL connection (its VF netdev moved into a real
        // pod namespace) on another VF of the same PF.
        var token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];
        await client.RequestAsync(NsmForwarderFixture.VfioRequest("health-conn", token, "pod-health/*"));
        var held = Assert.Single((await node.Node.GetSnapshotAsync()).Reservations);
        var (others, kernel) = await KernelConnectionsUntilOnPfAsync(client, node, held.PfAddress, pod);
        var snapshot = await node.Node.GetSnapshotAsync();
        var netdev = snapshot.PhysicalFunctions.Single(p => p.Address == held.PfAddress).NetInterface!;
        var kernelName = kernel.Connection.Mechanism.Parameters["name"];
        var kernelIndex = LinkIndexIn(pod, kernelName);
        var pfVfs = snapshot.Hardware!.Single(p => p.Address == held.PfAddress).VirtualFunctions.Select(v => v.Address).Order().ToList();

        // The peer end goes down: the PF netdev loses carrier, as a pulled cable does.
        Assert.Contains($"{netdev} lost carrier", await SimulateFaultAsync("pf-carrier-down", held.PfAddress), StringComparison.Ordinal);

        var unhealthy = await devices.UntilAsync(r => r.Devices.Any(d => d.ID == token && d.Health == "Unhealthy"));
        var down = await EventsUntilAsync(monitor, State.Down, ["health-conn", kernel.Id], watchEnd.Token);
        var fleetPf = await FleetHealthReasonAsync(node, held.PfAddress, reason => reason.Contains("no carrier", StringComparison.Ordinal));
        var faulted = await node.Node.GetSnapshotAsync();
        var otherUnhealthy = unhealthy.Devices.FirstOrDefault(d => d.ID != token && d.Health == "Unhealthy")?.ID;
        Assert.True(otherUnhealthy is not null, $"another Unhealthy token of {NsmForwarderFixture.Resource}: devices "
            + string.Join(", ", unhealthy.Devices.Select(d => $"{d.ID}={d.Health}")) + "; unusable VFs "
            + string.Join(", ", faulted.UnusableVfs?.Keys ?? []) + "; PFs " + string.Join(", ", faulted.PhysicalFunctions.Select(p => $"{p.Address}:{string.Join('+', p.ResourceNames)}")));
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.RequestAsync(NsmForwarderFixture.VfioRequest("health-refused", otherUnhealthy, "pod-health/*")));

        Assert.Contains($"{netdev} has no carrier", fleetPf, StringComparison.Ordinal);
        Assert.Equal(held.VfAddress, down["health-conn"].Mechanism.Parameters["pciAddress"]);
        Assert.Equal(kernel.VfAddress, down[kernel.Id].Mechanism.Parameters["pciAddress"]);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains($"is unhealthy: PF {held.PfAddress}: netdev {netdev} has no carrier", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await node.Node.GetSnapshotAsync()).Reservations, r => r.ConnectionId == "health-refused");
        // Exactly the failed PF's VFs are fenced off; connections on the other PF got no DOWN; the KERNEL interface stays in the pod.
        Assert.Equal(pfVfs, (faulted.UnusableVfs?.Keys ?? []).Order());
        Assert.All(others, o => Assert.False(down.ContainsKey(o.Id), $"connection {o.Id} on the healthy PF was reported DOWN"));
        Assert.Equal(kernelIndex, LinkIndexIn(pod, kernelName));

        // Carrier back: healthy again, and both connections are UP again.
        Assert.Contains($"{netdev} has carrier again", await SimulateFaultAsync("pf-carrier-up", held.PfAddress), StringComparison.Ordinal);

        await devices.UntilAsync(r => r.Devices.All(d => d.ID == token || d.ID == kernel.Token || d.Health == "Healthy") && r.Devices.Any(d => d.ID == token));
        await EventsUntilAsync(monitor, State.Up, ["health-conn", kernel.Id], watchEnd.Token);
        await FleetHealthReasonAsync(node, held.PfAddress, reason => reason.Length == 0);

        // A fault without a kernel event: the PF unplugged from the simulated sysfs, seen by the health reconcile pass.
        await SimulateFaultAsync("unplug-pf", held.PfAddress);
        try
        {
            await devices.UntilAsync(r => r.Devices.Any(d => d.ID == token && d.Health == "Unhealthy"));
            var reason = await FleetHealthReasonAsync(node, held.PfAddress, r => r.Contains("is gone", StringComparison.Ordinal));
            Assert.Contains($"PF device {held.PfAddress} is gone", reason, StringComparison.Ordinal);
            await EventsUntilAsync(monitor, State.Down, [kernel.Id], watchEnd.Token);
        }
        finally
        {
            await SimulateFaultAsync("replug-pf", held.PfAddress);
        }

        await devices.UntilAsync(r => r.Devices.Any(d => d.ID == token && d.Health == "Healthy"));
        await EventsUntilAsync(monitor, State.Up, [kernel.Id], watchEnd.Token);
        await FleetHealthReasonAsync(node, held.PfAddress, reason => reason.Length == 0);
        Assert.Equal(kernelIndex, LinkIndexIn(pod, kernelName));

        // The VFIO connection's /dev/vfio group node removed: only that VF is unhealthy, only that connection is DOWN.
        Assert.Contains("removed", await SimulateFaultAsync("remove-vfio-node", held.VfAddress), StringComparison.Ordinal);
        try
        {
            var vfioDown = await EventsUntilAsync(monitor, State.Down, ["health-conn"], watchEnd.Token);
            var vfReason = (await node.Node.GetHealthAsync()).Single(h => h.Address == held.VfAddress).Reason;
            Assert.Contains($"VFIO group device /dev/vfio/", vfReason, StringComparison.Ordinal);
            Assert.False(vfioDown.ContainsKey(kernel.Id), "the KERNEL connection's VF has no VFIO node to lose");
            Assert.Equal([held.VfAddress], ((await node.Node.GetSnapshotAsync()).UnusableVfs ?? new Dictionary<string, string>()).Keys);
        }
        finally
        {
            await SimulateFaultAsync("restore-vfio-node", held.VfAddress);
        }

        await EventsUntilAsync(monitor, State.Up, ["health-conn"], watchEnd.Token);
        Assert.Empty(await node.Node.GetHealthAsync());
        foreach (var connection in others.Append(kernel.Connection))
        {
            await client.CloseAsync(connection);
        }
    }

    [RootFact("runs the forwarder as root: the simulated kernel moves real VF netdevs on bind and unbind")]
    public async Task UnbindVfThenRemoveVfsThroughTheVerb_TokensUnhealthyWithTheReason_ThenHealthyAfterEachUndo()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var kubelet = new StandInKubeletSockets(Path.Combine(_harness.Folder, "k"));
        await kubelet.StartRegistrationAsync();
        await kubelet.StartPodResourcesAsync();
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}", new Dictionary<string, string>
        {
            ["NSM_DEVICE_PLUGIN_PATH"] = kubelet.DevicePluginPath,
            ["NSM_POD_RESOURCES_PATH"] = kubelet.PodResourcesPath,
            ["NSM_HEALTH_RECONCILE_INTERVAL"] = "300ms",
        });
        await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        var registered = (await kubelet.AcceptedRegistrationsAsync(NsmForwarderFixture.Resource))[0];
        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        using var plugin = kubelet.ClientFor(registered);
        using var watchEnd = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var devices = plugin.Watch(watchEnd.Token);
        await devices.UntilAsync(r => r.Devices.Count > 0 && r.Devices.All(d => d.Health == "Healthy"));
        var vf = (await node.Node.GetSnapshotAsync()).Hardware!.SelectMany(p => p.VirtualFunctions).First().Address;

        var unbound = await SimulateFaultAsync("unbind-vf", vf);

        var unhealthy = await devices.UntilAsync(r => r.Devices.Any(d => d.Health == "Unhealthy"));
        var reason = (await node.Node.GetHealthAsync()).Single(h => h.Address == vf).Reason;
        Assert.Contains($"VF {vf}: unbound from", unbound, StringComparison.Ordinal);
        Assert.Contains($"VF {vf} has no driver bound", reason, StringComparison.Ordinal);
        Assert.Single(unhealthy.Devices, d => d.Health == "Unhealthy");

        await SimulateFaultAsync("bind-vf", vf);

        await devices.UntilAsync(r => r.Devices.All(d => d.Health == "Healthy"));
        Assert.Empty(await node.Node.GetHealthAsync());

        // sriov_numvfs written 0: every VF of that PF is gone; written back: they are back and healthy.
        var pf = (await node.Node.GetSnapshotAsync()).Hardware!.First(p => p.VirtualFunctions.Any(v => v.Address == vf));
        await SimulateFaultAsync("remove-vfs", pf.Address);

        await devices.UntilAsync(r => r.Devices.Count(d => d.Health == "Unhealthy") == pf.VirtualFunctions.Count);
        var gone = await node.Node.GetHealthAsync();
        Assert.Equal(pf.VirtualFunctions.Select(v => v.Address).Order(), gone.Select(h => h.Address).Order());
        Assert.All(gone, h => Assert.Contains("is gone (sriov_numvfs lowered or the VF removed)", h.Reason, StringComparison.Ordinal));

        await SimulateFaultAsync("restore-vfs", pf.Address);

        await devices.UntilAsync(r => r.Devices.All(d => d.Health == "Healthy"));
        Assert.Empty(await node.Node.GetHealthAsync());
    }

    // Runs `sriov-forwarder simulate-fault --simulate-dir DIR FAULT TARGET` as a person would; returns what it printed.
    private async Task<string> SimulateFaultAsync(string fault, string target)
    {
        await using var verb = ForwarderProcess.Start(["simulate-fault", "--simulate-dir", _harness.SimulateDir, fault, target], new Dictionary<string, string>());
        var exit = await verb.WaitForExitAsync(Patience);
        Assert.True(exit == 0, $"simulate-fault {fault} {target} exited {exit}: {verb.Output}");
        return verb.Output;
    }

    // KERNEL connections (each its own interface in the pod) until one gets a VF of pfAddress: a Request takes a VF of the
    // PF with the most free ones, so the first may land on the other PF. Those stay up as connections the fault must not touch.
    private static async Task<(List<Connection> Others, (string Id, string Token, string VfAddress, Connection Connection) OnPf)> KernelConnectionsUntilOnPfAsync(
        Api.Nsm.Networkservice.NetworkService.NetworkServiceClient client, NodeClient node, string pfAddress, ClientNamespace pod)
    {
        var others = new List<Connection>();
        for (var i = 0; i < 4; i++)
        {
            var token = await node.FreeTokenAsync(NsmForwarderFixture.Resource);
            var id = $"health-kernel-{i}";
            var connection = await client.RequestAsync(KernelEndToEndTests.KernelRequest(id, token, pod.FileUrl, KernelInterface + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if ((await node.Node.GetSnapshotAsync()).Reservations.Single(r => r.ConnectionId == id).PfAddress == pfAddress)
            {
                return (others, (id, token, connection.Mechanism.Parameters["pciAddress"], connection));
            }

            others.Add(connection);
        }

        throw new InvalidOperationException($"no KERNEL Request of {NsmForwarderFixture.Resource} got a VF of PF {pfAddress}");
    }

    private static int LinkIndexIn(ClientNamespace pod, string name) => pod.Json("link", "show", "dev", name)[0].GetProperty("ifindex").GetInt32();

    // Every connection seen in the wanted state (its latest event), read until each of ids has been.
    private static async Task<Dictionary<string, Connection>> EventsUntilAsync(
        AsyncServerStreamingCall<ConnectionEvent> monitor, State state, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, Connection>(StringComparer.Ordinal);
        await NextEventAsync(
            monitor,
            e =>
            {
                foreach (var (id, connection) in e.Connections)
                {
                    if (connection.State == state)
                    {
                        seen[connection.Id] = connection;
                    }
                }

                return ids.All(seen.ContainsKey);
            },
            cancellationToken);
        return seen;
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
