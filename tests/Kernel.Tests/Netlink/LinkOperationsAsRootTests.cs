using System.Net.NetworkInformation;
using System.Text.Json;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>Link operations against the real kernel; needs root (namespaces and veth pairs).</summary>
[Trait("Requires", "root")]
public sealed class LinkOperationsAsRootTests : IDisposable
{
    private readonly VethNamespace _env = new();

    public void Dispose() => _env.Dispose();

    [RootFact("creates network namespaces and veth pairs")]
    public void MoveToNamespace_VethEndByFd_IpShowsItInsideAndGoneFromHost()
    {
        using var host = RouteNetlink.Open();

        host.MoveToNamespace(_env.HostEnd, _env.Namespace);

        Assert.Single(IpCommand.Json("-n", _env.NamespaceName, "link", "show", "dev", _env.HostEnd));
        Assert.NotEqual(0, IpCommand.TryRun("link", "show", "dev", _env.HostEnd).Code);
        Assert.Null(host.FindLink(_env.HostEnd));
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void MechanismSequence_InsideNamespace_IpShowsRenamedUpLinkWithMtu()
    {
        using var host = RouteNetlink.Open();
        host.MoveToNamespace(_env.HostEnd, _env.Namespace);
        using var inside = RouteNetlink.OpenIn(_env.Namespace);

        inside.SetDown(_env.HostEnd);
        inside.Rename(_env.HostEnd, "nsm-eth0");
        inside.SetMtu("nsm-eth0", 1400);
        inside.SetUp("nsm-eth0");

        var link = IpCommand.Json("-n", _env.NamespaceName, "link", "show", "dev", "nsm-eth0").Single();
        Assert.Equal(1400, link.GetProperty("mtu").GetInt32());
        Assert.Contains("UP", link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var ours = inside.GetLink("nsm-eth0");
        Assert.True(ours.IsUp);
        Assert.Equal(1400, ours.Mtu);
        Assert.Equal("veth", ours.Kind);
        Assert.Equal(link.GetProperty("ifindex").GetInt32(), ours.Index);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void MoveBack_FromInsideNamespace_RenamedBackLinkIsInHostAgain()
    {
        using var host = RouteNetlink.Open();
        using var hostNs = SriovForwarder.Kernel.Namespaces.NetworkNamespace.OpenHost();
        host.MoveToNamespace(_env.HostEnd, _env.Namespace);
        using var inside = RouteNetlink.OpenIn(_env.Namespace);
        inside.Rename(_env.HostEnd, "nsm-x");

        inside.Rename("nsm-x", _env.HostEnd);
        inside.MoveToNamespace(_env.HostEnd, hostNs);

        Assert.Single(IpCommand.Json("link", "show", "dev", _env.HostEnd));
        Assert.DoesNotContain(inside.ListLinks(), l => l.Name == _env.HostEnd);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetMac_HostVeth_IpShowsNewAddress()
    {
        using var host = RouteNetlink.Open();
        var mac = PhysicalAddress.Parse("02-11-22-33-44-55");

        host.SetMac(_env.HostEnd, mac);

        var link = IpCommand.Json("link", "show", "dev", _env.HostEnd).Single();
        Assert.Equal("02:11:22:33:44:55", link.GetProperty("address").GetString());
        Assert.Equal(mac, host.GetLink(_env.HostEnd).Mac);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void GetLink_ByIndexAndByName_AgreeWithIp()
    {
        using var host = RouteNetlink.Open();
        var ip = IpCommand.Json("link", "show", "dev", _env.PeerEnd).Single();

        var byName = host.GetLink(_env.PeerEnd);
        var byIndex = host.GetLink(byName.Index);

        Assert.Equal(ip.GetProperty("ifindex").GetInt32(), byName.Index);
        Assert.Equal(ip.GetProperty("mtu").GetInt32(), byName.Mtu);
        Assert.Equal(ip.GetProperty("address").GetString(), FormatMac(byName.Mac));
        Assert.Equal(_env.PeerEnd, byIndex.Name);
        Assert.Contains(host.ListLinks(), l => l.Name == _env.HostEnd);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetUpThenDown_HostVeth_IpFollows()
    {
        using var host = RouteNetlink.Open();

        host.SetUp(_env.HostEnd);
        var upFlags = Flags(IpCommand.Json("link", "show", "dev", _env.HostEnd).Single());
        host.SetDown(_env.HostEnd);
        var downFlags = Flags(IpCommand.Json("link", "show", "dev", _env.HostEnd).Single());

        Assert.Contains("UP", upFlags);
        Assert.DoesNotContain("UP", downFlags);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void Rename_ToNameTakenInNamespace_ThrowsEexistNamingBothNamesAndNamespace()
    {
        using var host = RouteNetlink.Open();
        host.MoveToNamespace(_env.HostEnd, _env.Namespace);
        using var inside = RouteNetlink.OpenIn(_env.Namespace);

        var error = Assert.Throws<NetlinkException>(() => inside.Rename(_env.HostEnd, "lo"));

        Assert.Equal(Errno.EExist, error.Errno);
        Assert.StartsWith($"RTM_NEWLINK rename {_env.HostEnd} -> lo in netns /var/run/netns/{_env.NamespaceName}", error.Message);
        Assert.Contains("failed: EEXIST (File exists)", error.Message);
        Assert.Single(IpCommand.Json("-n", _env.NamespaceName, "link", "show", "dev", _env.HostEnd));
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void GetLink_UnknownInterface_ThrowsEnodevNamingIt()
    {
        using var host = RouteNetlink.Open();

        var error = Assert.Throws<NetlinkException>(() => host.GetLink("nl-missing0"));

        Assert.True(error.IsLinkNotFound);
        Assert.StartsWith("RTM_GETLINK get link nl-missing0 in netns host failed: ENODEV (No such device)", error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetMtu_UnknownInterface_ThrowsEnodevNamingIt()
    {
        using var host = RouteNetlink.Open();

        var error = Assert.Throws<NetlinkException>(() => host.SetMtu("nl-missing0", 1400));

        Assert.Equal(Errno.ENoDev, error.Errno);
        Assert.Contains("set mtu nl-missing0 to 1400", error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetMtu_BelowDeviceMinimum_ThrowsEinvalWithTheKernelsOwnReason()
    {
        using var host = RouteNetlink.Open();

        var error = Assert.Throws<NetlinkException>(() => host.SetMtu(_env.HostEnd, 10));

        Assert.Equal(22, error.Errno);
        Assert.Contains("mtu", error.KernelMessage, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith($"EINVAL (Invalid argument): {error.KernelMessage}", error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void GetLink_AfterDispose_ThrowsObjectDisposedInsteadOfUsingAStaleDescriptor()
    {
        var host = RouteNetlink.Open();
        host.Dispose();

        Assert.Throws<ObjectDisposedException>(() => host.GetLink(_env.HostEnd));
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void Rename_TooLongName_ThrowsBeforeSendingAndKeepsTheLink()
    {
        using var host = RouteNetlink.Open();

        var error = Assert.Throws<ArgumentException>(() => host.Rename(_env.HostEnd, "a-name-of-16-chr"));

        Assert.Contains("'a-name-of-16-chr'", error.Message);
        Assert.Contains("at most 15", error.Message);
        Assert.Single(IpCommand.Json("link", "show", "dev", _env.HostEnd));
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void DeleteLink_HostVeth_BothEndsGone()
    {
        using var host = RouteNetlink.Open();

        host.DeleteLink(_env.HostEnd);

        Assert.NotEqual(0, IpCommand.TryRun("link", "show", "dev", _env.HostEnd).Code);
        Assert.NotEqual(0, IpCommand.TryRun("link", "show", "dev", _env.PeerEnd).Code);
    }

    private static string[] Flags(JsonElement link) => [.. link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!)];

    private static string FormatMac(PhysicalAddress? mac) =>
        string.Join(':', (mac ?? PhysicalAddress.None).GetAddressBytes().Select(b => b.ToString("x2")));
}
