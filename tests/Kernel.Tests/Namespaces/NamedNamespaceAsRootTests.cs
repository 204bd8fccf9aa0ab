using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Tests.Netlink;

namespace SriovForwarder.Kernel.Tests.Namespaces;

/// <summary>Named namespaces, work inside them and the guarantee that no caller thread is left inside; needs root (ip netns add).</summary>
[Trait("Requires", "root")]
public sealed class NamedNamespaceAsRootTests : IDisposable
{
    private readonly VethNamespace _env = new();

    public void Dispose() => _env.Dispose();

    [RootFact("creates network namespaces with ip netns add")]
    public void Open_VarRunNetnsPathAndFileUrl_GiveTheSameNonHostNamespaceAsIp()
    {
        var expected = ulong.Parse(IpCommand.Run("netns", "exec", _env.NamespaceName, "stat", "-L", "-c", "%i", "/proc/self/ns/net").Trim());

        using var byPath = NetworkNamespace.Open($"/var/run/netns/{_env.NamespaceName}");
        using var byUrl = NetworkNamespace.Open($"file:///var/run/netns/{_env.NamespaceName}");
        using var host = NetworkNamespace.OpenHost();

        Assert.Equal(expected, byPath.Inode);
        Assert.True(byUrl.IsSameAs(byPath));
        Assert.False(byPath.IsSameAs(host));
    }

    [RootFact("creates network namespaces with ip netns add")]
    public void Dispose_HandleOnTestNamespace_LeavesNoDescriptorOnIt()
    {
        var ns = NetworkNamespace.Open($"/var/run/netns/{_env.NamespaceName}");
        var descriptor = $"/proc/self/fd/{ns.FileDescriptor}";
        var target = new FileInfo(descriptor).LinkTarget;
        Assert.NotNull(target);

        ns.Dispose();

        // The number may be reused by another test at once, but never for this test's unique namespace.
        Assert.NotEqual(target, File.Exists(descriptor) ? new FileInfo(descriptor).LinkTarget : null);
    }

    [RootFact("creates network namespaces with ip netns add")]
    public async Task WorkInsideNamespace_FromPoolThreads_LeavesEveryCallerThreadInTheHostNamespace()
    {
        var host = NetworkNamespaceOpenTests.ReadInode("/proc/self/ns/net");
        using (var hostNetlink = RouteNetlink.Open())
        {
            hostNetlink.MoveToNamespace(_env.HostEnd, _env.Namespace);
        }

        var seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            using var inside = RouteNetlink.OpenIn(_env.Namespace);
            inside.SetMtu(_env.HostEnd, 1300 + i);
            NamespaceSysctl.Write(_env.Namespace, "net/ipv4/ping_group_range", "0 2147483647");
            return (Inode: NetworkNamespace.CurrentThreadInode(), Mtu: inside.GetLink(_env.HostEnd).Mtu);
        })));

        Assert.All(seen, s => Assert.Equal(host, s.Inode));
        Assert.All(seen, s => Assert.InRange(s.Mtu, 1300, 1307));
        Assert.Equal(host, NetworkNamespace.CurrentThreadInode());
        using var hostCheck = RouteNetlink.Open();
        Assert.Null(hostCheck.FindLink(_env.HostEnd));
    }

    [RootFact("creates network namespaces with ip netns add")]
    public void SysctlWrite_PingGroupRangeAndDisableIpv6InNamespace_IpNetnsExecSeesThemAndHostIsUnchanged()
    {
        var hostBefore = File.ReadAllText("/proc/sys/net/ipv4/ping_group_range");
        using (var hostNetlink = RouteNetlink.Open())
        {
            hostNetlink.MoveToNamespace(_env.HostEnd, _env.Namespace);
        }

        NamespaceSysctl.Write(_env.Namespace, "net/ipv4/ping_group_range", "0 2147483647");
        NamespaceSysctl.Write(_env.Namespace, $"net/ipv6/conf/{_env.HostEnd}/disable_ipv6", "1");

        var inside = IpCommand.Run("netns", "exec", _env.NamespaceName, "cat", "/proc/sys/net/ipv4/ping_group_range");
        Assert.Equal(["0", "2147483647"], inside.Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("1", IpCommand.Run("netns", "exec", _env.NamespaceName, "cat", $"/proc/sys/net/ipv6/conf/{_env.HostEnd}/disable_ipv6").Trim());
        Assert.Equal("1", NamespaceSysctl.Read(_env.Namespace, $"net/ipv6/conf/{_env.HostEnd}/disable_ipv6"));
        Assert.Equal(hostBefore, File.ReadAllText("/proc/sys/net/ipv4/ping_group_range"));
    }

    [RootFact("creates network namespaces with ip netns add")]
    public void SysctlWrite_UnknownInterfaceKey_ThrowsNamingPathAndNamespace()
    {
        var error = Assert.Throws<IOException>(() => NamespaceSysctl.Write(_env.Namespace, "net/ipv6/conf/nl-none/disable_ipv6", "0"));

        Assert.Contains("/proc/sys/net/ipv6/conf/nl-none/disable_ipv6", error.Message);
        Assert.Contains(_env.NamespaceName, error.Message);
    }

    [RootFact("creates network namespaces with ip netns add")]
    public void SysctlWrite_KeyWithDotDot_ThrowsBeforeTouchingAnything()
    {
        using var host = NetworkNamespace.OpenHost();

        var error = Assert.Throws<ArgumentException>(() => NamespaceSysctl.Write(host, "net/../../etc/passwd", "x"));

        Assert.Contains("net/../../etc/passwd", error.Message);
    }
}
