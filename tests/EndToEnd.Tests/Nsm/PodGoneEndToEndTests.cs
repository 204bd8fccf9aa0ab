using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// A pod that kubelet no longer lists in pod resources is gone: the connection that holds a VF through its token is
/// closed at once, not at expiry (root; a stand-in kubelet serves registration and pod resources).
/// </summary>
[Trait("Requires", "root")]
public sealed class PodGoneEndToEndTests : IDisposable
{
    private static readonly TimeSpan Closed = TimeSpan.FromSeconds(20);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root and makes client network namespaces")]
    public async Task PodResources_PodHoldingAConnectionsTokenGoes_ConnectionClosedVfAndTokenFree()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var kubelet = new StandInKubeletSockets(Path.Combine(_harness.Folder, "k"));
        await kubelet.StartRegistrationAsync();
        await kubelet.StartPodResourcesAsync();
        _harness.AddContainerCgroup("pod-leaving", "c1");
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}", new Dictionary<string, string>
        {
            ["NSM_DEVICE_PLUGIN_PATH"] = kubelet.DevicePluginPath,
            ["NSM_POD_RESOURCES_PATH"] = kubelet.PodResourcesPath,
            ["NSM_RESOURCE_POLL_TIMEOUT"] = "1s",
        });
        await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        var registered = (await kubelet.AcceptedRegistrationsAsync(NsmForwarderFixture.Resource))[0];
        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];
        using (var plugin = kubelet.ClientFor(registered))
        {
            // As kubelet admits the pod: Allocate hands it the token, and pod resources list it for the pod.
            await plugin.Plugin.AllocateAsync(new AllocateRequest { ContainerRequests = { new ContainerAllocateRequest { DevicesIds = { token } } } });
        }

        kubelet.PodResources.SetPod("pod-leaving", NsmForwarderFixture.Resource, token);
        using var channel = Kernel.Transport.UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        var client = new Api.Nsm.Networkservice.NetworkService.NetworkServiceClient(channel);
        await client.RequestAsync(NsmForwarderFixture.VfioRequest("pod-leaving-conn", token, "pod-leaving/*"));
        Assert.Single((await node.Node.GetSnapshotAsync()).Reservations);

        kubelet.PodResources.RemovePod("pod-leaving");
        var left = await Eventually.ValueAsync(async () => (await node.Node.GetSnapshotAsync()).Reservations, r => r.Count == 0, Closed, TimeSpan.FromMilliseconds(200));
        // Logged before the close, but written by the console logger's own queue: it can reach the output after the
        // reservation is gone, so it is waited for rather than looked for in what was printed so far.
        var closing = await forwarder.WaitForLineAsync("which kubelet no longer lists for any pod; closing it", Closed);

        Assert.Empty(left);
        Assert.Contains("Connection pod-leaving-conn holds VF", closing, StringComparison.Ordinal);
        Assert.Contains(nsmgr.Nse.Closes, c => c.Labels.Count == 0 || c.Id.Length > 0);
        var summary = (await node.Node.GetSnapshotAsync()).Resources.Single(r => r.Name == NsmForwarderFixture.Resource);
        Assert.Equal((0, 0), (summary.InUse, summary.Closed));
    }
}
