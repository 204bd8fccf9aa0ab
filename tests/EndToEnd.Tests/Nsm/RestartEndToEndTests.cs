using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Transport.FdPassing;
using SriovForwarder.Kernel.Namespaces;


namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>Live VFIO connections survive a hard kill (SIGKILL) and restart of the real executable on the same simulated node (root).</summary>
[Trait("Requires", "root")]
public sealed class RestartEndToEndTests : IDisposable
{
    private readonly NsmForwarderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [RootFact("runs the forwarder as root: vfio nodes and driver binds on the simulated node")]
    public async Task SigkillAndRestart_RefreshKeepsEachVfNoVfHandedOutTwiceAndCloseFreesThem()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        var connectTo = $"unix://{nsmgr.RegistrySocket}";
        var cgroupA = _harness.AddContainerCgroup("pod-a", "c1");
        var cgroupB = _harness.AddContainerCgroup("pod-b", "c1");
        _harness.AddContainerCgroup("pod-c", "c1");
        Connection a, b;
        await using (var first = _harness.Start(connectTo))
        {
            await first.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
            await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
            var tokens = await node.TokensAsync(NsmForwarderFixture.Resource);
            var client = Client();
            a = await client.RequestAsync(NsmForwarderFixture.VfioRequest("restart-a", tokens[0], "pod-a/*"));
            b = await client.RequestAsync(NsmForwarderFixture.VfioRequest("restart-b", tokens[1], "pod-b/*"));
            // Leaving the using block kills the process with SIGKILL: no graceful shutdown, no Unregister.
        }

        await using var second = _harness.Start(connectTo);
        await second.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await using var node2 = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var client2 = Client();
        var c = await client2.RequestAsync(NsmForwarderFixture.VfioRequest("restart-c", await node2.FreeTokenAsync(NsmForwarderFixture.Resource), "pod-c/*"));
        var refreshedA = await client2.RequestAsync(Refresh(a));
        var refreshedB = await client2.RequestAsync(Refresh(b));
        var held = await node2.Node.GetSnapshotAsync();
        await client2.CloseAsync(refreshedA);
        await client2.CloseAsync(refreshedB);
        var afterClose = await node2.Node.GetSnapshotAsync();
        await client2.CloseAsync(c);
        var end = await node2.Node.GetSnapshotAsync();

        string Pci(Connection x) => x.Mechanism.Parameters["pciAddress"];
        Assert.Equal(Pci(a), Pci(refreshedA));
        Assert.Equal(Pci(b), Pci(refreshedB));
        Assert.DoesNotContain(Pci(c), new[] { Pci(a), Pci(b) });
        Assert.Equal(3, held.Reservations.Select(r => r.VfAddress).Distinct().Count());
        Assert.Equal([Pci(c)], afterClose.Reservations.Select(r => r.VfAddress));
        Assert.Empty(end.Reservations);
        Assert.Equal(FakeDevicesCgroup.ContainerDefaults.Order(), cgroupA.ReadList().Order());
        Assert.Equal(FakeDevicesCgroup.ContainerDefaults.Order(), cgroupB.ReadList().Order());
    }

    [RootFact("runs the forwarder as root: vfio nodes and driver binds on the simulated node")]
    public async Task SigkillAndRestart_KernelConnectionWithPassedNamespace_RefreshRenumbersAndCloseRestoresTheHostNamespace()
    {
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        var connectTo = $"unix://{nsmgr.RegistrySocket}";
        using var clientNamespace = new ClientNamespace();
        nsmgr.Nse.Contexts["restart-k"] = KernelEndToEndTests.IpContext();
        string inodeUrl;
        using (var ns = NetworkNamespace.Open(clientNamespace.Path))
        {
            inodeUrl = ns.InodeUrl;
        }

        Connection kernel;
        string original;
        await using (var first = _harness.Start(connectTo))
        {
            await first.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
            await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
            var token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];
            // As the Go NSMgr does: the namespace travels as inode:// with its descriptor, valid only during each call.
            using var sendQueue = new FdSendingQueue();
            sendQueue.EnqueueFile(clientNamespace.Path);
            kernel = await FdClient(sendQueue).RequestAsync(KernelEndToEndTests.KernelRequest("restart-k", token, inodeUrl, "nsm-restart"));
            var vf = Assert.Single((await node.Node.GetSnapshotAsync()).Reservations);
            original = await KernelEndToEndTests.OriginalNameAsync(node, vf.PfAddress, vf.VfAddress);
            // Leaving the using block kills the process with SIGKILL: nothing is undone on the way out.
        }

        var whileDown = clientNamespace.Json("addr", "show", "dev", "nsm-restart")[0];
        await using var second = _harness.Start(connectTo);
        await second.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        await using var node2 = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var hostAfterRestart = KernelEndToEndTests.HostLinks();
        using var sendQueue2 = new FdSendingQueue();
        var client2 = FdClient(sendQueue2);
        var renumbered = KernelEndToEndTests.IpContext();
        renumbered.IpContext.SrcIpAddrs[0] = "172.16.5.9/24";
        nsmgr.Nse.Contexts["restart-k"] = renumbered;
        sendQueue2.EnqueueFile(clientNamespace.Path);
        var refreshed = await client2.RequestAsync(Refresh(kernel));
        var held = await node2.Node.GetSnapshotAsync();
        var afterRefresh = clientNamespace.Json("addr", "show", "dev", "nsm-restart")[0];
        sendQueue2.EnqueueFile(clientNamespace.Path);
        await client2.CloseAsync(refreshed);
        var end = await node2.Node.GetSnapshotAsync();

        Assert.Contains(whileDown.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == "172.16.5.2");
        Assert.DoesNotContain(original, hostAfterRestart);
        Assert.Equal(kernel.Mechanism.Parameters["pciAddress"], refreshed.Mechanism.Parameters["pciAddress"]);
        Assert.Equal(kernel.Mechanism.Parameters["pciAddress"], Assert.Single(held.Reservations).VfAddress);
        Assert.Equal(1450, afterRefresh.GetProperty("mtu").GetInt32());
        var addresses = afterRefresh.GetProperty("addr_info").EnumerateArray().Select(a => a.GetProperty("local").GetString()).ToList();
        Assert.Contains("172.16.5.9", addresses);
        Assert.DoesNotContain("172.16.5.2", addresses);
        Assert.Equal(inodeUrl, refreshed.Mechanism.Parameters["inodeURL"]);
        Assert.Empty(end.Reservations);
        Assert.Contains(original, KernelEndToEndTests.HostLinks());
        Assert.DoesNotContain(clientNamespace.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "nsm-restart");
    }

    private static NetworkServiceRequest Refresh(Connection connection) => new()
    {
        Connection = connection.Clone(),
        MechanismPreferences = { connection.Mechanism.Clone() },
    };

    private NetworkService.NetworkServiceClient FdClient(FdSendingQueue sendQueue) =>
        new(_harness.OpenChannel(sendQueue));

    private NetworkService.NetworkServiceClient Client() =>
        new(_harness.OpenChannel());
}
