using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>Addresses and routes inside a test namespace; needs root (namespaces and veth pairs).</summary>
[Trait("Requires", "root")]
public sealed class AddressRouteOperationsAsRootTests : IDisposable
{
    private readonly VethNamespace _env = new();
    private readonly RouteNetlink _inside;

    public AddressRouteOperationsAsRootTests() => _inside = _env.MoveHostEndInside();

    public void Dispose()
    {
        _inside.Dispose();
        _env.Dispose();
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddAddress_Ipv4AndIpv6NoDad_IpShowsBothPermanentAndNotTentative()
    {
        _inside.AddAddress(_env.HostEnd, IpPrefix.Parse("10.20.30.2/24"));
        _inside.AddAddress(_env.HostEnd, IpPrefix.Parse("fd00:20::2/64"), AddressFlags.Permanent | AddressFlags.NoDad);

        var info = AddrInfo();
        Assert.Contains(info, a => a.GetProperty("local").GetString() == "10.20.30.2" && a.GetProperty("prefixlen").GetInt32() == 24);
        var v6 = info.Single(a => a.GetProperty("local").GetString() == "fd00:20::2");
        Assert.Equal(64, v6.GetProperty("prefixlen").GetInt32());
        Assert.False(v6.TryGetProperty("tentative", out _));
        var ours = _inside.ListAddresses(_env.HostEnd).Where(a => a.Scope == RouteScope.Universe).ToList();
        Assert.Equal(2, ours.Count);
        Assert.All(ours, a => Assert.True(a.Flags.HasFlag(AddressFlags.Permanent)));
        Assert.All(ours, a => Assert.False(a.IsTentative));
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddAddress_SameAddressTwiceWithReplace_Succeeds()
    {
        var address = IpPrefix.Parse("10.20.31.2/24");

        _inside.AddAddress(_env.HostEnd, address);
        _inside.AddAddress(_env.HostEnd, address);

        Assert.Single(AddrInfo(), a => a.GetProperty("local").GetString() == "10.20.31.2");
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddAddress_SameAddressTwiceWithoutReplace_ThrowsEexist()
    {
        var address = IpPrefix.Parse("10.20.32.2/24");
        _inside.AddAddress(_env.HostEnd, address, replace: false);

        var error = Assert.Throws<NetlinkException>(() => _inside.AddAddress(_env.HostEnd, address, replace: false));

        Assert.Equal(Errno.EExist, error.Errno);
        Assert.Contains($"RTM_NEWADDR add address {_env.HostEnd} 10.20.32.2/24", error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void DeleteAddress_Present_IpNoLongerShowsIt()
    {
        var address = IpPrefix.Parse("10.20.33.2/24");
        _inside.AddAddress(_env.HostEnd, address);

        _inside.DeleteAddress(_env.HostEnd, address);

        Assert.DoesNotContain(AddrInfo(), a => a.GetProperty("local").GetString() == "10.20.33.2");
    }

    [RootFact("creates network namespaces and veth pairs")]
    public async Task WaitUntilUsable_Ipv6NoDad_ReturnsAtOnce()
    {
        var address = IpPrefix.Parse("fd00:21::2/64");
        _inside.AddAddress(_env.HostEnd, address, AddressFlags.Permanent | AddressFlags.NoDad);

        await _inside.WaitUntilUsableAsync(_env.HostEnd, [address], TimeSpan.FromSeconds(2));

        Assert.False(_inside.ListAddresses(_env.HostEnd).Single(a => a.Prefix == address).IsTentative);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public async Task WaitUntilUsable_Ipv6WithDadOnLinkWithoutCarrier_TimesOutNamingTheTentativeAddress()
    {
        // The peer end stays down in the host, so there is no carrier and DAD never completes.
        var address = IpPrefix.Parse("fd00:22::2/64");
        _inside.AddAddress(_env.HostEnd, address);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => _inside.WaitUntilUsableAsync(_env.HostEnd, [address], TimeSpan.FromMilliseconds(100)));

        Assert.Contains("fd00:22::2/64 (tentative)", error.Message);
        Assert.Contains(_env.HostEnd, error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddRoute_LinkScopeOnLinkGatewayAndCustomTable_IpShowsAllThree()
    {
        _inside.AddAddress(_env.HostEnd, IpPrefix.Parse("10.40.0.2/24"));

        _inside.AddRoute(_env.HostEnd, new Route(IpPrefix.Parse("10.41.0.7/24")) { Scope = RouteScope.Link });
        _inside.AddRoute(_env.HostEnd, new Route(IpPrefix.Parse("10.42.0.0/16")) { Gateway = IPAddress.Parse("10.99.0.1"), OnLink = true });
        _inside.AddRoute(_env.HostEnd, new Route(IpPrefix.Parse("0.0.0.0/0")) { Gateway = IPAddress.Parse("10.99.0.1"), OnLink = true, Table = 1234 });

        var main = IpCommand.Json("-n", _env.NamespaceName, "route", "show", "table", "main");
        var linkScope = main.Single(r => r.GetProperty("dst").GetString() == "10.41.0.0/24");
        Assert.Equal("link", linkScope.GetProperty("scope").GetString());
        Assert.Equal(_env.HostEnd, linkScope.GetProperty("dev").GetString());
        var viaGateway = main.Single(r => r.GetProperty("dst").GetString() == "10.42.0.0/16");
        Assert.Equal("10.99.0.1", viaGateway.GetProperty("gateway").GetString());
        Assert.Contains("onlink", viaGateway.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var custom = IpCommand.Json("-n", _env.NamespaceName, "route", "show", "table", "1234").Single();
        Assert.Equal("default", custom.GetProperty("dst").GetString());
        Assert.Equal("10.99.0.1", custom.GetProperty("gateway").GetString());
        var listed = _inside.ListRoutes(AddressFamily.InterNetwork, 1234).Single();
        Assert.Equal(IPAddress.Parse("10.99.0.1"), listed.Gateway);
        Assert.True(listed.OnLink);
        Assert.Equal(_inside.GetLink(_env.HostEnd).Index, listed.InterfaceIndex);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddRoute_Ipv6WithOnLinkGateway_IpShowsIt()
    {
        _inside.AddRoute(_env.HostEnd, new Route(IpPrefix.Parse("fd00:50::/64")) { Gateway = IPAddress.Parse("fd00:99::1"), OnLink = true });

        var route = IpCommand.Json("-n", _env.NamespaceName, "-6", "route", "show").Single(r => r.GetProperty("dst").GetString() == "fd00:50::/64");
        Assert.Equal("fd00:99::1", route.GetProperty("gateway").GetString());
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void DeleteRoute_Present_IpNoLongerShowsIt_AndDeletingAgainThrowsEsrch()
    {
        var route = new Route(IpPrefix.Parse("10.43.0.0/24")) { Scope = RouteScope.Link };
        _inside.AddRoute(_env.HostEnd, route);

        _inside.DeleteRoute(route);

        Assert.DoesNotContain(IpCommand.Json("-n", _env.NamespaceName, "route", "show"), r => r.GetProperty("dst").GetString() == "10.43.0.0/24");
        var error = Assert.Throws<NetlinkException>(() => _inside.DeleteRoute(route));
        Assert.Contains("RTM_DELROUTE delete route 10.43.0.0/24", error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddRoute_UnknownInterface_ThrowsEnodevNamingIt()
    {
        var error = Assert.Throws<NetlinkException>(() => _inside.AddRoute("nl-none", new Route(IpPrefix.Parse("10.44.0.0/24"))));

        Assert.True(error.IsLinkNotFound);
        Assert.Contains("nl-none", error.Message);
        Assert.Contains(_env.NamespaceName, error.Message);
    }

    private JsonElement[] AddrInfo() =>
        [.. IpCommand.Json("-n", _env.NamespaceName, "addr", "show", "dev", _env.HostEnd).Single().GetProperty("addr_info").EnumerateArray()];
}
