using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// The reconcile pass closes a connection as soon as its client is gone, instead of waiting for its token to expire
/// (root): the named network namespace of a KERNEL client deleted, the cgroups of a VFIO client removed.
/// </summary>
[Trait("Requires", "root")]
public sealed class ClientGoneEndToEndTests : IDisposable
{
    private static readonly TimeSpan Reconciled = TimeSpan.FromSeconds(20);
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root and makes client network namespaces")]
    public async Task Reconcile_KernelClientNamespaceDeletedAndVfioPodCgroupRemoved_ClosesBothVfsBackTokensFree()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        using var clientNamespace = new ClientNamespace();
        var cgroup = _harness.AddContainerCgroup("pod-gone", "c1");
        await using var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}", new Dictionary<string, string> { ["NSM_RECONCILE_INTERVAL"] = "1s" });
        await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var tokens = await node.TokensAsync(NsmForwarderFixture.Resource);
        using var channel = Kernel.Transport.UnixSocketChannelFactory.Create(_harness.ListenSocket, TimeSpan.FromSeconds(5));
        var client = new Api.Nsm.Networkservice.NetworkService.NetworkServiceClient(channel);
        var kernel = await client.RequestAsync(KernelEndToEndTests.KernelRequest("gone-k", tokens[0], clientNamespace.FileUrl, "nsm-gone"));
        var vfio = await client.RequestAsync(NsmForwarderFixture.VfioRequest("gone-v", tokens[1], "pod-gone/*"));
        var kernelVf = (await node.Node.GetSnapshotAsync()).Reservations.Single(r => r.TokenId == tokens[0]);
        var original = await KernelEndToEndTests.OriginalNameAsync(node, kernelVf.PfAddress, kernelVf.VfAddress);

        clientNamespace.Delete();
        cgroup.Dispose();
        Directory.Delete(cgroup.Directory, recursive: true); // the kernel removes a pod's cgroups when the pod goes
        var left = await Eventually.ValueAsync(async () => (await node.Node.GetSnapshotAsync()).Reservations, r => r.Count == 0, Reconciled, TimeSpan.FromMilliseconds(200));
        // The grain logs why before it closes, but the console logger writes from its own queue: the line can reach the
        // output after the reservation is gone, so it is waited for rather than looked for in what was printed so far.
        var kernelGone = await forwarder.WaitForLineAsync("its client is gone (its network namespace", Reconciled);
        var vfioGone = await forwarder.WaitForLineAsync("its client is gone (its cgroups are gone (pod-gone/c1))", Reconciled);

        Assert.Empty(left);
        Assert.Contains(original, KernelEndToEndTests.HostLinks());
        Assert.Contains("Connection gone-k:", kernelGone, StringComparison.Ordinal);
        Assert.Contains("Connection gone-v:", vfioGone, StringComparison.Ordinal);
        Assert.Contains(nsmgr.Nse.Closes, c => c.Labels.GetValueOrDefault("test") == "gone-k");
        Assert.Equal(2, nsmgr.Nse.Closes.Count(c => c.Id.Length > 0));
        Assert.NotNull(kernel);
        Assert.NotNull(vfio);
    }
}
