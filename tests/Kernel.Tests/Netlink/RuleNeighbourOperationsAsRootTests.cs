using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>Policy rules and neighbours inside a test namespace; needs root (namespaces and veth pairs).</summary>
[Trait("Requires", "root")]
public sealed class RuleNeighbourOperationsAsRootTests : IDisposable
{
    private readonly VethNamespace _env = new();
    private readonly RouteNetlink _inside;

    public RuleNeighbourOperationsAsRootTests() => _inside = _env.MoveHostEndInside();

    public void Dispose()
    {
        _inside.Dispose();
        _env.Dispose();
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddRule_SourceProtocolAndPortRanges_IpShowsTheRule()
    {
        var rule = new PolicyRule(AddressFamily.InterNetwork, 321)
        {
            Source = IpPrefix.Parse("172.16.5.0/24"),
            IpProtocol = 6,
            DestinationPorts = PortRange.Parse("8000-8080"),
            SourcePorts = PortRange.Parse("5000"),
            Priority = 1500,
        };

        _inside.AddRule(rule);

        var shown = IpCommand.Json("-n", _env.NamespaceName, "rule", "show").Single(r => r.GetProperty("priority").GetInt32() == 1500);
        Assert.Equal("172.16.5.0", shown.GetProperty("src").GetString());
        Assert.Equal(24, shown.GetProperty("srclen").GetInt32());
        Assert.Equal("tcp", shown.GetProperty("ipproto").GetString());
        Assert.Equal(8000, shown.GetProperty("dport_start").GetInt32());
        Assert.Equal(8080, shown.GetProperty("dport_end").GetInt32());
        Assert.Equal(5000, shown.GetProperty("sport").GetInt32());
        Assert.Equal("321", shown.GetProperty("table").GetString());
        Assert.Contains(_inside.ListRules(AddressFamily.InterNetwork), r => r == rule);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void AddRule_Ipv6WithDestinationPort_ListRulesReturnsIt()
    {
        var rule = new PolicyRule(AddressFamily.InterNetworkV6, 77)
        {
            Source = IpPrefix.Parse("fd00:7::/64"),
            IpProtocol = 17,
            DestinationPorts = new PortRange(53, 53),
            Priority = 1600,
        };

        _inside.AddRule(rule);

        var shown = IpCommand.Json("-n", _env.NamespaceName, "-6", "rule", "show").Single(r => r.GetProperty("priority").GetInt32() == 1600);
        Assert.Equal("udp", shown.GetProperty("ipproto").GetString());
        Assert.Contains(_inside.ListRules(AddressFamily.InterNetworkV6), r => r == rule);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void DeleteRule_Present_IpNoLongerShowsIt_AndAddingTwiceThrowsEexist()
    {
        var rule = new PolicyRule(AddressFamily.InterNetwork, 322) { Source = IpPrefix.Parse("172.16.6.0/24"), Priority = 1501 };
        _inside.AddRule(rule);
        var duplicate = Assert.Throws<NetlinkException>(() => _inside.AddRule(rule));

        _inside.DeleteRule(rule);

        Assert.Equal(Errno.EExist, duplicate.Errno);
        Assert.Contains("RTM_NEWRULE add rule from 172.16.6.0/24 lookup 322", duplicate.Message);
        Assert.DoesNotContain(IpCommand.Json("-n", _env.NamespaceName, "rule", "show"), r => r.GetProperty("priority").GetInt32() == 1501);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetNeighbour_ReachableAndPermanent_IpShowsBothWithTheirMacs()
    {
        _inside.SetNeighbour(_env.HostEnd, IPAddress.Parse("10.50.0.9"), PhysicalAddress.Parse("02-00-00-00-00-09"));
        _inside.SetNeighbour(_env.HostEnd, IPAddress.Parse("fd00:50::9"), PhysicalAddress.Parse("02-00-00-00-00-0A"), NeighbourState.Permanent);

        var shown = IpCommand.Json("-n", _env.NamespaceName, "neigh", "show", "dev", _env.HostEnd);
        var v4 = shown.Single(n => n.GetProperty("dst").GetString() == "10.50.0.9");
        Assert.Equal("02:00:00:00:00:09", v4.GetProperty("lladdr").GetString());
        Assert.Contains("REACHABLE", v4.GetProperty("state").EnumerateArray().Select(s => s.GetString()));
        var v6 = shown.Single(n => n.GetProperty("dst").GetString() == "fd00:50::9");
        Assert.Contains("PERMANENT", v6.GetProperty("state").EnumerateArray().Select(s => s.GetString()));
        var listed = _inside.ListNeighbours(_env.HostEnd);
        Assert.Contains(listed, n => n.Address.Equals(IPAddress.Parse("10.50.0.9")) && n.LinkAddress!.Equals(PhysicalAddress.Parse("02-00-00-00-00-09")));
        Assert.Contains(listed, n => n.Address.Equals(IPAddress.Parse("fd00:50::9")) && n.State == NeighbourState.Permanent);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetNeighbour_Twice_ReplacesTheMac()
    {
        var address = IPAddress.Parse("10.50.0.10");
        _inside.SetNeighbour(_env.HostEnd, address, PhysicalAddress.Parse("02-00-00-00-00-01"), NeighbourState.Permanent);

        _inside.SetNeighbour(_env.HostEnd, address, PhysicalAddress.Parse("02-00-00-00-00-02"), NeighbourState.Permanent);

        var shown = IpCommand.Json("-n", _env.NamespaceName, "neigh", "show", "dev", _env.HostEnd).Single(n => n.GetProperty("dst").GetString() == "10.50.0.10");
        Assert.Equal("02:00:00:00:00:02", shown.GetProperty("lladdr").GetString());
    }
}
