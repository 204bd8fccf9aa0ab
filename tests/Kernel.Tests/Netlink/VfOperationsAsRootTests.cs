using System.Net.NetworkInformation;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>VF requests sent to a veth, which has no VFs: the kernel must refuse clearly; needs root (veth pairs).</summary>
[Trait("Requires", "root")]
public sealed class VfOperationsAsRootTests : IDisposable
{
    private readonly VethNamespace _env = new();

    public void Dispose() => _env.Dispose();

    [RootFact("creates network namespaces and veth pairs")]
    public void SetVfMac_OnVeth_ThrowsEopnotsuppNamingVfAndPf()
    {
        using var host = RouteNetlink.Open();

        var error = Assert.Throws<NetlinkException>(() => host.SetVfMac(_env.HostEnd, 0, PhysicalAddress.Parse("02-00-00-00-00-01")));

        Assert.Equal(Errno.EOpNotSupp, error.Errno);
        Assert.StartsWith($"RTM_NEWLINK set vf 0 mac on {_env.HostEnd} to 020000000001 in netns host failed: EOPNOTSUPP (Operation not supported)", error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetVfVlan_OnVeth_ThrowsEopnotsupp()
    {
        using var host = RouteNetlink.Open();

        var error = Assert.Throws<NetlinkException>(() => host.SetVfVlan(_env.HostEnd, 1, 100));

        Assert.Equal(Errno.EOpNotSupp, error.Errno);
        Assert.Contains($"set vf 1 vlan on {_env.HostEnd} to 100", error.Message);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void GetVfs_OnVeth_ReportsNoVfCountAndNoVfs()
    {
        using var host = RouteNetlink.Open();

        var link = host.GetVfs(_env.HostEnd);

        Assert.Equal(_env.HostEnd, link.Name);
        Assert.Null(link.VfCount);
        Assert.Empty(link.Vfs);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void SetVfVlan_OutOfRange_ThrowsBeforeSending()
    {
        using var host = RouteNetlink.Open();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => host.SetVfVlan(_env.HostEnd, 0, 4096));

        Assert.Contains("0..4095", error.Message);
    }
}
