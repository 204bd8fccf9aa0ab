using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Transport.FdPassing;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// KERNEL connections through the real executable on the simulated node (root: its VF netdevs are real veths), with
/// the stand-in NSMgr's endpoint answering an IP context: the interface in a real client namespace, read back through
/// our netlink and cross-checked with <c>ip -j</c>.
/// </summary>
[Trait("Requires", "root")]
public sealed class KernelEndToEndTests(NsmForwarderFixture fixture) : IClassFixture<NsmForwarderFixture>, IDisposable
{
    private const string InterfaceName = "nsm-e2e";

    private readonly ClientNamespace _client = new();

    public void Dispose() => _client.Dispose();

    /// <summary>What the stand-in NSE's IPAM answers: addresses, a gateway route, a neighbour, MTU, MAC and VLAN.</summary>
    public static ConnectionContext IpContext() => new()
    {
        MTU = 1450,
        IpContext = new IPContext
        {
            SrcIpAddrs = { "172.16.5.2/24", "fd05::2/64" },
            DstIpAddrs = { "172.16.5.1/24" },
            SrcRoutes = { new Api.Nsm.ConnectionContext.Route { Prefix = "172.17.0.0/16" } },
        },
        EthernetContext = new EthernetContext { SrcMac = "0a:e2:e0:00:00:02", DstMac = "0a:e2:e0:00:00:01", VlanTag = 205 },
    };

    [RootFact("runs the forwarder as root: real veths moved into client network namespaces")]
    public async Task RequestThenClose_KernelWithIpContext_InterfaceConfiguredInTheClientThenBackInTheHostAndVfFree()
    {
        var id = "kernel-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Nsmgr.Nse.Contexts[id] = IpContext();
        var token = await fixture.FreeTokenAsync();

        var connection = await fixture.Client.RequestAsync(KernelRequest(id, token, _client.FileUrl, InterfaceName));

        var vf = Assert.Single((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
        var original = await OriginalNameAsync(fixture.Node, vf.PfAddress, vf.VfAddress);
        using (var clientNamespace = NetworkNamespace.Open(_client.Path))
        using (var inside = RouteNetlink.OpenIn(clientNamespace))
        {
            var link = inside.GetLink(InterfaceName);
            Assert.Equal(("0AE2E0000002", 1450, true), (link.Mac!.ToString(), link.Mtu, link.IsUp));
            var addresses = inside.ListAddresses(InterfaceName).Where(a => a.Scope == RouteScope.Universe).Select(a => a.Prefix.ToString()).Order();
            Assert.Equal(["172.16.5.2/24", "fd05::2/64"], addresses);
            var route = Assert.Single(inside.ListRoutes(AddressFamily.InterNetwork), r => r.Destination.ToString() == "172.17.0.0/16");
            Assert.Equal((IPAddress.Parse("172.16.5.1"), link.Index), (route.Gateway, route.InterfaceIndex));
        }

        var ipAddr = _client.Json("addr", "show", "dev", InterfaceName)[0];
        Assert.Equal(("0a:e2:e0:00:00:02", 1450), (ipAddr.GetProperty("address").GetString(), ipAddr.GetProperty("mtu").GetInt32()));
        Assert.Contains(ipAddr.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == "172.16.5.2" && a.GetProperty("prefixlen").GetInt32() == 24);
        Assert.Contains(ipAddr.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == "fd05::2" && a.GetProperty("prefixlen").GetInt32() == 64);
        var ipRoute = _client.Json("route", "show", "172.17.0.0/16")[0];
        Assert.Equal(("172.16.5.1", InterfaceName), (ipRoute.GetProperty("gateway").GetString(), ipRoute.GetProperty("dev").GetString()));
        Assert.Equal(("0a:e2:e0:00:00:02", "205"), (VfSetting(vf, "mac"), VfSetting(vf, "vlan")));
        Assert.DoesNotContain(HostLinks(), l => l == original);
        Assert.Equal((vf.VfAddress, InterfaceName), (connection.Mechanism.Parameters["pciAddress"], connection.Mechanism.Parameters["name"]));

        await fixture.Client.CloseAsync(connection);

        Assert.Contains(original, HostLinks());
        using (var host = RouteNetlink.Open())
        {
            Assert.DoesNotContain(host.ListAddresses(original), a => a.Scope == RouteScope.Universe);
        }

        Assert.DoesNotContain(_client.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == InterfaceName);
        Assert.Equal(("00:00:00:00:00:00", "0"), (VfSetting(vf, "mac"), VfSetting(vf, "vlan")));
        Assert.DoesNotContain((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token || r.VfAddress == vf.VfAddress);
        Assert.Contains(fixture.Nsmgr.Nse.Closes, c => c.Labels.GetValueOrDefault("test") == id);
    }

    [RootFact("runs the forwarder as root: real veths moved into client network namespaces")]
    public async Task Request_KernelIntoAMissingNamespace_InvalidArgumentNamingTheUrlAndNothingHeldOrMoved()
    {
        var token = await fixture.FreeTokenAsync();
        var before = NodeLinksInHost();
        var url = "file:///var/run/netns/e2e-no-such-namespace";

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Client.RequestAsync(KernelRequest("kernel-missing-ns", token, url, InterfaceName)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(url, error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
        Assert.Superset(before.ToHashSet(), NodeLinksInHost().ToHashSet());
    }

    [RootFact("runs the forwarder as root: real veths moved into client network namespaces")]
    public async Task RequestThenClose_NamespacePassedAsDescriptorLikeNsmgr_InterfaceLandsThereAndNoDescriptorIsKept()
    {
        var id = "kernel-fd-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Nsmgr.Nse.Contexts[id] = IpContext();
        var token = await fixture.FreeTokenAsync();
        string inodeUrl;
        using (var ns = NetworkNamespace.Open(_client.Path))
        {
            inodeUrl = ns.InodeUrl;
        }

        // NSMgr's side of grpcfd, played by our own sending half (the one registration uses): the namespace file's
        // descriptor goes with SCM_RIGHTS on one byte of the next write, and the URL names its inode.
        using var sendQueue = new FdSendingQueue();
        using var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), sendQueue: sendQueue);
        var client = new NetworkService.NetworkServiceClient(channel);
        sendQueue.EnqueueFile(_client.Path);
        var connection = await client.RequestAsync(KernelRequest(id, token, inodeUrl, InterfaceName));
        var linkInClient = _client.Json("link", "show", "dev", InterfaceName)[0].GetProperty("ifname").GetString();
        sendQueue.EnqueueFile(_client.Path);
        await client.CloseAsync(connection);

        Assert.Equal(InterfaceName, linkInClient);
        Assert.Equal(inodeUrl, connection.Mechanism.Parameters["inodeURL"]);
        Assert.DoesNotContain(_client.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == InterfaceName);
        Assert.DoesNotContain((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
        var inode = inodeUrl[(inodeUrl.LastIndexOf('/') + 1)..];
        Assert.DoesNotContain(OpenDescriptorTargets(fixture.Forwarder.Id), t => t == $"net:[{inode}]");
    }

    [RootFact("runs the forwarder as root: real veths moved into client network namespaces")]
    public async Task Request_InodeUrlWithoutItsDescriptor_FailsAtTheDeadlineAndHoldsNothing()
    {
        var token = await fixture.FreeTokenAsync();
        string inodeUrl;
        using (var ns = NetworkNamespace.Open(_client.Path))
        {
            inodeUrl = ns.InodeUrl;
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Client.RequestAsync(
            KernelRequest("kernel-no-fd", token, inodeUrl, InterfaceName), deadline: DateTime.UtcNow.AddSeconds(2)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.DoesNotContain((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
        Assert.DoesNotContain(_client.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == InterfaceName);
    }

    private static List<string> OpenDescriptorTargets(int pid) =>
        [.. Directory.GetFiles($"/proc/{pid}/fd").Select(f => { try { return File.ResolveLinkTarget(f, false)?.LinkTarget ?? ""; } catch (IOException) { return ""; } })];

    /// <summary>A KERNEL request for connection <paramref name="id"/>, tagged so the stand-in NSE finds its context.</summary>
    public static NetworkServiceRequest KernelRequest(string id, string token, string netnsUrl, string name) => new()
    {
        Connection = new Connection
        {
            Id = id,
            NetworkService = "ns",
            NetworkServiceEndpointName = "nse-1",
            Labels = { ["test"] = id },
        },
        MechanismPreferences =
        {
            new Mechanism
            {
                Cls = "LOCAL",
                Type = "KERNEL",
                Parameters = { ["tokenID"] = token, ["name"] = name, ["inodeURL"] = netnsUrl },
            },
        },
    };

    /// <summary>The VF's netdev name in the host namespace, as the PF grain reports it.</summary>
    public static async Task<string> OriginalNameAsync(NodeClient node, string pfAddress, string vfAddress) =>
        (await node.Grains.GetGrain<IPhysicalFunctionGrain>(NodeKeys.For(NsmForwarderHarness.NodeName, pfAddress)).GetVfNetInterfaceAsync(vfAddress))
        ?? throw new InvalidOperationException($"VF {vfAddress} has no netdev");

    /// <summary>The names of the links in the host namespace.</summary>
    public static List<string> HostLinks()
    {
        using var host = RouteNetlink.Open();
        return [.. host.ListLinks().Select(l => l.Name)];
    }

    // Other test classes run forwarders with their own simulated nodes at the same time: only this node's links count.
    private List<string> NodeLinksInHost() => [.. HostLinks().Where(l => l.StartsWith("sv" + fixture.Harness.NodeTag, StringComparison.Ordinal))];

    private string VfSetting(Grains.Interfaces.Models.VfReservation vf, string name) => File.ReadAllText(Path.Combine(
        fixture.Harness.SimulateDir, "sys", "bus", "pci", "devices", vf.PfAddress, "sriov", vf.VfNumber.ToString(CultureInfo.InvariantCulture), name)).Trim();
}
