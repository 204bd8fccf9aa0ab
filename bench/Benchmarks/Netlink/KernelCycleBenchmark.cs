using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Benchmarks.Netlink;

/// <summary>
/// The KERNEL mechanism's bare kernel work for one connection and its close: move a VF netdev (here a veth end)
/// into the client namespace, set it down, rename, set the MTU, set it up, add an address and a route; then
/// set it down, rename it back and move it back. Done with our netlink and, as the baseline, with one
/// <c>ip</c> process per step. Needs root.
/// </summary>
[Config(typeof(KernelCycleBenchmarkConfig))]
public class KernelCycleBenchmark
{
    private const string InsideName = "nsm-1";
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private string _namespaceName = "";
    private string _vf = "";
    private string _peer = "";
    private NetworkNamespace _target = null!;
    private NetworkNamespace _host = null!;
    private RouteNetlink _hostNetlink = null!;
    private readonly IpPrefix _address = IpPrefix.Parse("10.77.0.2/24");
    private readonly Route _route = new(IpPrefix.Parse("10.78.0.0/24")) { Gateway = IPAddress.Parse("10.77.0.1"), OnLink = true };

    [GlobalSetup]
    public void Setup()
    {
        _namespaceName = $"nlb-{_id}";
        _vf = $"b{_id}a";
        _peer = $"b{_id}b";
        Ip("netns", "add", _namespaceName);
        Ip("link", "add", _vf, "type", "veth", "peer", "name", _peer);
        _target = NetworkNamespace.Open($"/var/run/netns/{_namespaceName}");
        _host = NetworkNamespace.OpenHost();
        _hostNetlink = RouteNetlink.Open();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hostNetlink?.Dispose();
        _target?.Dispose();
        _host?.Dispose();
        TryIp("netns", "del", _namespaceName);
        TryIp("link", "del", _vf);
    }

    [Benchmark(Description = "cycle with our netlink")]
    public void Netlink()
    {
        _hostNetlink.MoveToNamespace(_vf, _target);

        // The mechanism opens a socket in the client's namespace per request: part of the cost.
        using var inside = RouteNetlink.OpenIn(_target);
        inside.SetDown(_vf);
        inside.Rename(_vf, InsideName);
        inside.SetMtu(InsideName, 1400);
        inside.SetUp(InsideName);
        inside.AddAddress(InsideName, _address);
        inside.AddRoute(InsideName, _route);

        inside.SetDown(InsideName);
        inside.Rename(InsideName, _vf);
        inside.MoveToNamespace(_vf, _host);
    }

    [Benchmark(Baseline = true, Description = "cycle with the ip command")]
    public void IpCommand()
    {
        var ns = _namespaceName;
        Ip("link", "set", _vf, "netns", ns);
        Ip("-n", ns, "link", "set", _vf, "down");
        Ip("-n", ns, "link", "set", _vf, "name", InsideName);
        Ip("-n", ns, "link", "set", InsideName, "mtu", "1400");
        Ip("-n", ns, "link", "set", InsideName, "up");
        Ip("-n", ns, "addr", "replace", "10.77.0.2/24", "dev", InsideName);
        Ip("-n", ns, "route", "replace", "10.78.0.0/24", "via", "10.77.0.1", "dev", InsideName, "onlink");

        Ip("-n", ns, "link", "set", InsideName, "down");
        Ip("-n", ns, "link", "set", InsideName, "name", _vf);
        Ip("-n", ns, "link", "set", _vf, "netns", Environment.ProcessId.ToString());
    }

    private static void Ip(params string[] args) => TestSupport.Namespaces.IpCommand.Run(args);

    private static void TryIp(params string[] args) => TestSupport.Namespaces.IpCommand.TryRun(args);
}
