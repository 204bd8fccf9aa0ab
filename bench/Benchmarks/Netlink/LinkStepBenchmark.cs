using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Benchmarks.Netlink;

/// <summary>
/// Steps with little kernel work (set the MTU of a link inside a namespace and read the link back), so the
/// cost of issuing a request shows: our netlink on an open namespace socket vs one <c>ip</c> process per step. Needs root.
/// </summary>
[Config(typeof(KernelCycleBenchmarkConfig))]
public class LinkStepBenchmark
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private string _namespaceName = "";
    private string _link = "";
    private NetworkNamespace _target = null!;
    private RouteNetlink _inside = null!;
    private int _mtu = 1400;

    [GlobalSetup]
    public void Setup()
    {
        _namespaceName = $"nls-{_id}";
        _link = $"s{_id}a";
        Ip("netns", "add", _namespaceName);
        Ip("-n", _namespaceName, "link", "add", _link, "type", "veth", "peer", "name", $"s{_id}b");
        _target = NetworkNamespace.Open($"/var/run/netns/{_namespaceName}");
        _inside = RouteNetlink.OpenIn(_target);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inside?.Dispose();
        _target?.Dispose();
        Ip("netns", "del", _namespaceName);
    }

    [Benchmark(Description = "set MTU + read link, our netlink")]
    public int Netlink()
    {
        _mtu = _mtu == 1400 ? 1401 : 1400;
        _inside.SetMtu(_link, _mtu);
        return _inside.GetLink(_link).Mtu;
    }

    [Benchmark(Baseline = true, Description = "set MTU + read link, ip command")]
    public int IpCommand()
    {
        _mtu = _mtu == 1400 ? 1401 : 1400;
        Ip("-n", _namespaceName, "link", "set", _link, "mtu", _mtu.ToString());
        Ip("-n", _namespaceName, "-j", "link", "show", "dev", _link);
        return _mtu;
    }

    private static void Ip(params string[] args) => TestSupport.Namespaces.IpCommand.Run(args);
}
