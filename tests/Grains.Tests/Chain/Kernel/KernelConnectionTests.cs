using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain.Elements.Kernel;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.Simulation;

using SriovForwarder.Grains.Tests.Cluster;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>KERNEL Request/Close through the real connection grain on a simulated node with real veths (needs root).</summary>
[Collection(KernelClusterCollection.Name)]
[Trait("Requires", "root")]
public sealed class KernelConnectionTests(KernelClusterFixture fixture) : IAsyncLifetime, IDisposable
{
    private const string InterfaceName = "nsm-k1";

    private readonly ClientNamespace _client = new();
    private readonly string _id = Guid.NewGuid().ToString();

    private IConnectionGrain Grain => fixture.Grains.GetGrain<IConnectionGrain>(NodeKeys.For(KernelClusterFixture.Node, _id));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A failed test must not leave its VF or token held for the next one.
        if (await Grain.GetAsync() is { } open)
        {
            await Grain.CloseAsync(open);
        }
    }

    // xunit runs this after DisposeAsync, so the namespace goes only once the connection left it.
    public void Dispose() => _client.Dispose();

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_NeighboursWithoutEthernetContextAsRoot_SetsTheNeighbourEntryOnTheInterface()
    {
        // The MAC change of the ethernet context comes after the neighbours (upstream's order) and flushes them on a
        // veth, so the neighbour is checked on a connection without one.
        var context = KernelNextHop.DefaultContext();
        context.EthernetContext = null;
        fixture.NextHop.Contexts[_id] = context;

        await Grain.RequestAsync(await KernelRequestAsync());

        using var clientNamespace = NetworkNamespace.Open(_client.Path);
        using var inside = RouteNetlink.OpenIn(clientNamespace);
        var neighbour = Assert.Single(inside.ListNeighbours(InterfaceName), n => n.Address.Equals(IPAddress.Parse("10.60.1.1")));
        Assert.Equal("0A5544332211", neighbour.LinkAddress?.ToString());
        var ip = _client.Json("neigh", "show", "dev", InterfaceName);
        Assert.Contains(ip.EnumerateArray(), n => n.GetProperty("dst").GetString() == "10.60.1.1" && n.GetProperty("lladdr").GetString() == "0a:55:44:33:22:11");
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_KernelAsRoot_InterfaceIsInTheClientNamespaceWithNameMacVlanMtuAddressesAndRoutes()
    {
        var result = await Grain.RequestAsync(await KernelRequestAsync());

        var vf = (await fixture.NodeGrain.GetReservationAsync(_id))!;
        var original = await OriginalNameAsync(vf);
        using var clientNamespace = NetworkNamespace.Open(_client.Path);
        using var inside = RouteNetlink.OpenIn(clientNamespace);
        var link = inside.GetLink(InterfaceName);
        Assert.Equal(("0A5544332200", 1400, true), (link.Mac!.ToString(), link.Mtu, link.IsUp));
        var addresses = inside.ListAddresses(InterfaceName).Where(a => a.Scope == RouteScope.Universe).Select(a => a.Prefix.ToString()).Order();
        Assert.Equal(["10.60.1.2/24", "fd60::2/64"], addresses);
        var route = Assert.Single(inside.ListRoutes(AddressFamily.InterNetwork), r => r.Destination.ToString() == "10.70.0.0/16");
        Assert.Equal((IPAddress.Parse("10.60.1.1"), true, link.Index), (route.Gateway, route.OnLink, route.InterfaceIndex));
        Assert.Equal("100", (await File.ReadAllTextAsync(System.IO.Path.Combine(VfSettings(vf), "vlan"))).Trim());
        Assert.Equal("0a:55:44:33:22:00", (await File.ReadAllTextAsync(System.IO.Path.Combine(VfSettings(vf), "mac"))).Trim());
        using (var host = Host())
        {
            Assert.Null(host.FindLink(original));
        }

        Assert.Equal(vf.VfAddress, result.Mechanism.Parameters["pciAddress"]);

        // Cross-check with iproute2.
        var ipAddr = _client.Json("addr", "show", "dev", InterfaceName)[0];
        Assert.Equal(("0a:55:44:33:22:00", 1400), (ipAddr.GetProperty("address").GetString(), ipAddr.GetProperty("mtu").GetInt32()));
        Assert.Contains(ipAddr.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == "10.60.1.2" && a.GetProperty("prefixlen").GetInt32() == 24);
        var ipRoute = _client.Json("route", "show", "10.70.0.0/16")[0];
        Assert.Equal(("10.60.1.1", InterfaceName), (ipRoute.GetProperty("gateway").GetString(), ipRoute.GetProperty("dev").GetString()));
        Assert.Contains(ipRoute.GetProperty("flags").EnumerateArray(), f => f.GetString() == "onlink");

        await Grain.CloseAsync(result);

        AssertBackInHost(original);
        Assert.Equal("0", (await File.ReadAllTextAsync(System.IO.Path.Combine(VfSettings(vf), "vlan"))).Trim());
        await AssertFreeAsync();
        Assert.Contains(fixture.NextHop.Closes, c => c.Path.PathSegments.Any(s => s.Id == _id));
    }

    public static TheoryData<string, string> BadNamespaceUrls() => new()
    {
        { "inode://4/4026531840", "scheme 'inode' is not supported" },
        { "file:///var/run/netns/kmc-missing-namespace", "does not exist" },
        { "file:///proc/self/ns/uts", "not a network namespace" },
        { "file:///etc/hostname", "is not a namespace file" },
    };

    [RootTheory("real veths behind the simulated node and client network namespaces")]
    [MemberData(nameof(BadNamespaceUrls))]
    public async Task Request_BadNetnsUrlAsRoot_FailsNamingInodeUrlAndNothingMoves(string url, string reason)
    {
        var before = HostVfNetdevs();

        var error = await Assert.ThrowsAsync<ForwarderException>(async () => await Grain.RequestAsync(await KernelRequestAsync(url: url)));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Contains("inodeURL", error.Message, StringComparison.Ordinal);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        AssertNothingMoved(before);
        await AssertFreeAsync();
    }

    [RootTheory("real veths behind the simulated node and client network namespaces")]
    [InlineData("nsm-name-too-long", "parameters[name] \"nsm-name-too-long\" is not a valid Linux interface name (at most 15 characters")]
    [InlineData("bad/name", "parameters[name] \"bad/name\" is not a valid Linux interface name")]
    [InlineData("", "KERNEL mechanism parameter name: invalid interface name '': the name is empty")]
    public async Task Request_InvalidInterfaceNameAsRoot_FailsNamingTheNameAndNothingMoves(string name, string reason)
    {
        var before = HostVfNetdevs();

        var error = await Assert.ThrowsAsync<ForwarderException>(async () => await Grain.RequestAsync(await KernelRequestAsync(name: name)));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        AssertNothingMoved(before);
        await AssertFreeAsync();
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_NameTakenInClientNamespaceAsRoot_FailsAndLeavesTheClientsInterfaceAlone()
    {
        IpCommand.Run("-n", _client.Name, "link", "add", InterfaceName, "type", "veth", "peer", "name", "nsm-k1-peer");
        var before = HostVfNetdevs();

        var error = await Assert.ThrowsAsync<ForwarderException>(async () => await Grain.RequestAsync(await KernelRequestAsync()));

        Assert.Contains($"interface {InterfaceName} already exists in the client namespace", error.Message, StringComparison.Ordinal);
        AssertNothingMoved(before);
        Assert.Equal("veth", _client.Json("-d", "link", "show", InterfaceName)[0].GetProperty("linkinfo").GetProperty("info_kind").GetString());
        await AssertFreeAsync();
    }

    [RootTheory("real veths behind the simulated node and client network namespaces")]
    [InlineData("address", "ip_context.src_ip_addrs[0] '10.60.1.300/24' is not an IP address or prefix")]
    [InlineData("route", "ip_context.src_routes[0].prefix '10.70.0.0/99' is not an IP address or prefix")]
    [InlineData("neighbour", "invalid neighbor MAC address: ip_context.ip_neighbors[0].hardware_address '0a:55'")]
    [InlineData("mac", "invalid MAC address: 0a:55:44:33:22")]
    public async Task Request_MalformedContextFromNextHopAsRoot_FailsClosesTheNextHopAndMovesTheVfBack(string what, string message)
    {
        var context = KernelNextHop.DefaultContext();
        switch (what)
        {
            case "address": context.IpContext.SrcIpAddrs[0] = "10.60.1.300/24"; break;
            case "route": context.IpContext.SrcRoutes[0].Prefix = "10.70.0.0/99"; break;
            case "neighbour": context.IpContext.IpNeighbors[0].HardwareAddress = "0a:55"; break;
            default: context.EthernetContext.SrcMac = "0a:55:44:33:22"; break;
        }

        fixture.NextHop.Contexts[_id] = context;
        var before = HostVfNetdevs();

        var error = await Assert.ThrowsAsync<ForwarderException>(async () => await Grain.RequestAsync(await KernelRequestAsync()));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        AssertNothingMoved(before);
        Assert.DoesNotContain(_client.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == InterfaceName);
        Assert.Contains(fixture.NextHop.Closes, c => c.Path.PathSegments.Any(s => s.Id == _id));
        await AssertFreeAsync();
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_CallerGivesUpWhileTheNextHopHangsAsRoot_MovesTheVfBackAndFreesIt()
    {
        fixture.NextHop.Hanging[_id] = true;
        var before = HostVfNetdevs();
        var request = await KernelRequestAsync();
        using var giveUp = new CancellationTokenSource();

        var call = Grain.RequestAsync(request, giveUp.Token);
        // Given up once the next hop holds the call: a timer started with the call (500 ms before) can fire before a loaded
        // machine has moved the VF and reached the next hop, and then the undo this test is about is not the one run.
        await Eventually.TrueAsync(() => fixture.NextHop.Hung.Contains(_id), "the Request to reach the hanging next hop");
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // The grain call returns when the caller gives up; the chain undoes in the grain right after.
        await Eventually.TrueAsync(
            async () => !(await fixture.NodeGrain.GetSnapshotAsync()).Reservations.Any(r => r.ConnectionId == _id),
            "the chain to undo the given-up Request and release its VF");
        await AssertFreeAsync();
        AssertNothingMoved(before);
        Assert.DoesNotContain(_client.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == InterfaceName);
        Assert.Null(await Grain.GetAsync());
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Close_ClientNamespaceNameDeletedAsRoot_StillReturnsTheNetdevAndFreesTheVf()
    {
        var result = await Grain.RequestAsync(await KernelRequestAsync());
        var original = await OriginalNameAsync((await fixture.NodeGrain.GetReservationAsync(_id))!);

        _client.Delete();
        await Grain.CloseAsync(result);

        AssertBackInHost(original);
        await AssertFreeAsync();
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Close_AfterSiloRestartAsRoot_RestoresTheHostNamespaceAndFreesTheVf()
    {
        var result = await Grain.RequestAsync(await KernelRequestAsync());
        var original = await OriginalNameAsync((await fixture.NodeGrain.GetReservationAsync(_id))!);

        await fixture.Cluster.RestartSiloAsync(fixture.Cluster.Silos[0]);
        Assert.NotNull(await AfterRestart.CallAsync(() => Grain.GetAsync()));
        using (var clientNamespace = NetworkNamespace.Open(_client.Path))
        using (var inside = RouteNetlink.OpenIn(clientNamespace))
        {
            Assert.NotNull(inside.FindLink(InterfaceName));
        }

        await Grain.CloseAsync(result);

        AssertBackInHost(original);
        Assert.DoesNotContain(_client.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == InterfaceName);
        await AssertFreeAsync();
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_RefreshWithAChangedIpContextAsRoot_AppliesTheDifferenceAndCloseRemovesEveryPolicy()
    {
        var first = KernelNextHop.DefaultContext();
        first.EthernetContext = null;
        first.IpContext.Policies.Add(new PolicyRoute { From = "10.60.1.0/24", Proto = "6", DstPort = "80" });
        first.IpContext.Policies.Add(new PolicyRoute { From = "10.60.1.0/24", Proto = "17", DstPort = "53" });
        fixture.NextHop.Contexts[_id] = first;
        var established = await Grain.RequestAsync(await KernelRequestAsync());
        var rulesBefore = Rules();

        var second = first.Clone();
        second.IpContext.SrcIpAddrs[0] = "10.60.1.3/24";
        second.IpContext.SrcRoutes[0].Prefix = "10.80.0.0/16";
        second.IpContext.IpNeighbors.Clear();
        second.IpContext.Policies.RemoveAt(1);
        second.IpContext.Policies.Add(new PolicyRoute { From = "10.60.1.0/24", Proto = "6", DstPort = "443" });
        fixture.NextHop.Contexts[_id] = second;
        var refreshed = await Grain.RequestAsync(new NetworkServiceRequest { Connection = established.Clone() });

        using (var clientNamespace = NetworkNamespace.Open(_client.Path))
        using (var inside = RouteNetlink.OpenIn(clientNamespace))
        {
            var addresses = inside.ListAddresses(InterfaceName).Where(a => a.Scope == RouteScope.Universe).Select(a => a.Prefix.ToString()).Order();
            Assert.Equal(["10.60.1.3/24", "fd60::2/64"], addresses);
            var routes = inside.ListRoutes(AddressFamily.InterNetwork, SriovForwarder.Kernel.Netlink.Model.Route.MainTable).Select(r => r.Destination.ToString()).ToList();
            Assert.Contains("10.80.0.0/16", routes);
            Assert.DoesNotContain("10.70.0.0/16", routes);
            Assert.DoesNotContain(inside.ListNeighbours(InterfaceName), n => n.Address.Equals(IPAddress.Parse("10.60.1.1")) && n.LinkAddress is not null);
        }

        var rulesAfter = Rules();
        Assert.Equal(2, rulesBefore.Count);
        Assert.Equal(2, rulesAfter.Count);
        var http = Assert.Single(rulesBefore, r => r.DestinationPorts?.ToString() == "80");
        Assert.Equal(http.Table, Assert.Single(rulesAfter, r => r.DestinationPorts?.ToString() == "80").Table);
        Assert.DoesNotContain(rulesAfter, r => r.DestinationPorts?.ToString() == "53");
        Assert.Contains(rulesAfter, r => r.DestinationPorts?.ToString() == "443" && r.IpProtocol == 6);
        var ipRules = _client.Json("rule", "show");
        Assert.Contains(ipRules.EnumerateArray(), r => r.TryGetProperty("dport", out var port) && port.GetInt32() == 443);
        Assert.DoesNotContain(ipRules.EnumerateArray(), r => r.TryGetProperty("dport", out var port) && port.GetInt32() == 53);

        await Grain.CloseAsync(refreshed);
        Assert.Empty(Rules());
        await AssertFreeAsync();
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_RefreshWithAMalformedIpContextAsRoot_FailsNamingTheFieldAndKeepsTheConnection()
    {
        var established = await Grain.RequestAsync(await KernelRequestAsync());
        var bad = KernelNextHop.DefaultContext();
        bad.IpContext.SrcRoutes[0].Prefix = "10.80.0.0/33";
        fixture.NextHop.Contexts[_id] = bad;

        var error = await Assert.ThrowsAsync<ForwarderException>(() => Grain.RequestAsync(new NetworkServiceRequest { Connection = established.Clone() }));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Contains("ip_context.src_routes[0].prefix '10.80.0.0/33'", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await Grain.GetAsync());
        Assert.NotNull(await fixture.NodeGrain.GetReservationAsync(_id));
        using var clientNamespace = NetworkNamespace.Open(_client.Path);
        using var inside = RouteNetlink.OpenIn(clientNamespace);
        Assert.Contains(inside.ListRoutes(AddressFamily.InterNetwork), r => r.Destination.ToString() == "10.70.0.0/16");
    }

    // The policy rules of the client namespace that point at a table other than the kernel's own (local, main, default).
    private List<PolicyRule> Rules()
    {
        using var clientNamespace = NetworkNamespace.Open(_client.Path);
        using var inside = RouteNetlink.OpenIn(clientNamespace);
        return [.. inside.ListRules(AddressFamily.InterNetwork).Where(r => r.Table is > 0 and < 253)];
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_MechanismChangesFromKernelToVfioAsRoot_MovesTheVfOutOfTheClientNamespace()
    {
        var first = await Grain.RequestAsync(await KernelRequestAsync());
        var refresh = new NetworkServiceRequest { Connection = first.Clone() };
        refresh.Connection.Mechanism = new Mechanism
        {
            Cls = "LOCAL",
            Type = "VFIO",
            Parameters = { ["tokenID"] = first.Mechanism.Parameters["tokenID"], ["cgroupDir"] = $"kubepods/{_id}/*" },
        };

        // Bug #18: upstream left the KERNEL VF inside the client namespace when the mechanism changed.
        var changed = await Grain.RequestAsync(refresh);

        Assert.Equal("VFIO", changed.Mechanism.Type);
        Assert.DoesNotContain(_client.Json("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == InterfaceName);
    }

    [RootFact("real veths behind the simulated node and client network namespaces")]
    public async Task Request_VfioWithEthernetContextAsRoot_ProgramsVfMacAndVlanAndClearsThemOnClose()
    {
        var request = await KernelRequestAsync();
        var kernel = request.MechanismPreferences[0];
        request.MechanismPreferences[0] = new Mechanism
        {
            Cls = "LOCAL",
            Type = "VFIO",
            Parameters = { ["tokenID"] = kernel.Parameters["tokenID"], ["cgroupDir"] = $"kubepods/{_id}/*" },
        };

        var result = await Grain.RequestAsync(request);

        var vf = (await fixture.NodeGrain.GetReservationAsync(_id))!;
        Assert.Equal(("0a:55:44:33:22:00", "100"), (ReadSetting(vf, "mac"), ReadSetting(vf, "vlan")));
        await Grain.CloseAsync(result);
        Assert.Equal(("00:00:00:00:00:00", "0"), (ReadSetting(vf, "mac"), ReadSetting(vf, "vlan")));
        await AssertFreeAsync();
    }

    private string ReadSetting(VfReservation vf, string name) => File.ReadAllText(System.IO.Path.Combine(VfSettings(vf), name)).Trim();

    private static IRouteNetlink Host() => RouteNetlink.Open();

    private string VfSettings(VfReservation vf) =>
        SimulatedNodeVfEthernetSettings.SettingsDirectory(fixture.SimulatedNode.DevicesPath, vf.PfAddress, vf.VfNumber);

    private async Task<string> OriginalNameAsync(VfReservation vf) =>
        (await fixture.Grains.GetGrain<IPhysicalFunctionGrain>(NodeKeys.For(KernelClusterFixture.Node, vf.PfAddress)).GetVfNetInterfaceAsync(vf.VfAddress))!;

    private List<string> HostVfNetdevs()
    {
        using var host = Host();
        return [.. host.ListLinks().Select(l => l.Name).Where(n => n.StartsWith("sv" + fixture.SimulatedNode.Tag, StringComparison.Ordinal)).Order()];
    }

    // Binding a VF to its kernel driver may add host netdevs; none may have left the host or entered the client.
    private void AssertNothingMoved(List<string> before)
    {
        Assert.Superset(before.ToHashSet(), HostVfNetdevs().ToHashSet());
        var clientLinks = _client.Json("link", "show").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()).ToList();
        Assert.DoesNotContain(clientLinks, l => l!.StartsWith("sv" + fixture.SimulatedNode.Tag, StringComparison.Ordinal));
    }

    private void AssertBackInHost(string original)
    {
        using var host = Host();
        var link = host.GetLink(original);
        Assert.DoesNotContain(host.ListAddresses(original), a => a.Scope == RouteScope.Universe);
        Assert.False(link.IsUp);
    }

    private async Task AssertFreeAsync()
    {
        var snapshot = await fixture.NodeGrain.GetSnapshotAsync();
        Assert.DoesNotContain(snapshot.Reservations, r => r.ConnectionId == _id);
        Assert.All(snapshot.Resources, r => Assert.Equal(0, r.InUse));
    }

    private async Task<NetworkServiceRequest> KernelRequestAsync(string? url = null, string name = InterfaceName)
    {
        var resource = (await fixture.NodeGrain.GetResourceNamesAsync())[0];
        var token = (await fixture.NodeGrain.GetDevicesAsync(resource)).Devices[0].Id;
        var expires = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + TimeSpan.FromHours(1));
        var request = new NetworkServiceRequest
        {
            Connection = new Connection
            {
                Id = "mgr-" + _id,
                NetworkService = "sriov-ns",
                Labels = { ["test"] = _id },
                Path = new Api.Nsm.Connection.Path
                {
                    Index = 1,
                    PathSegments =
                    {
                        new PathSegment { Name = "nsc", Id = "nsc-" + _id },
                        new PathSegment { Name = "nsmgr", Id = "mgr-" + _id, Expires = expires },
                    },
                },
            },
        };
        request.MechanismPreferences.Add(new Mechanism
        {
            Cls = "LOCAL",
            Type = "KERNEL",
            Parameters = { ["tokenID"] = token, ["name"] = name, ["inodeURL"] = url ?? _client.FileUrl },
        });
        return request;
    }
}
