using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Benchmarks.Netlink;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.VfEthernet;
using SriovForwarder.Kernel.Vfio;
using SriovForwarder.TestSupport.Cluster;
using SriovForwarder.TestSupport.StandIns;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>
/// KERNEL Request+Close through the connection grain (in-process cluster, SIMULATED node with real veths, stand-in
/// registry and next hop) against the same kernel work done directly with our netlink and with the <c>ip</c>
/// command: move into the client namespace, down, rename, MTU, up, ping_group_range, address (waited usable),
/// on-link route, MAC; then down, rename back, move back. Needs root.
/// </summary>
[Config(typeof(KernelCycleBenchmarkConfig))]
public class KernelMechanismBenchmark
{
    private const string Node = "node-bench";
    private const string InsideName = "nsm-1";
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private readonly IpPrefix _address = IpPrefix.Parse("10.77.0.2/24");
    private readonly Route _route = new(IpPrefix.Parse("10.78.0.0/24")) { Gateway = IPAddress.Parse("10.77.0.1"), OnLink = true };
    private readonly PhysicalAddress _mac = PhysicalAddress.Parse("0A-55-44-33-22-00");
    private string _namespaceName = "";
    private string _vf = "";
    private string _token = "";
    private NodeSilos? _silos;
    private IGrainFactory _grains = null!;
    private NetworkNamespace _target = null!;
    private NetworkNamespace _host = null!;
    private RouteNetlink _hostNetlink = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _hostNetlink?.Dispose();
        _target?.Dispose();
        _host?.Dispose();
        _silos?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        TryIp("netns", "del", _namespaceName);
        TryIp("link", "del", _vf);
    }

    [Benchmark(Description = "KERNEL Request+Close through the connection grain")]
    public void Forwarder() => ForwarderAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "same steps, our netlink called directly")]
    public void Bare()
    {
        _hostNetlink.MoveToNamespace(_vf, _target);
        using (var inside = RouteNetlink.OpenIn(_target))
        {
            inside.SetDown(_vf);
            inside.Rename(_vf, InsideName);
            inside.SetMtu(InsideName, 1400);
            inside.SetUp(InsideName);
            NamespaceSysctl.Write(_target, "net/ipv4/ping_group_range", "0 2147483647");
            inside.AddAddress(InsideName, _address);
            inside.WaitUntilUsableAsync(InsideName, [_address], TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
            inside.AddRoute(InsideName, _route);
            inside.SetMac(InsideName, _mac);

            inside.SetDown(InsideName);
            inside.Rename(InsideName, _vf);
            inside.MoveToNamespace(_vf, _host);
        }
    }

    [Benchmark(Description = "same steps with the ip command")]
    public void IpCommand()
    {
        var ns = _namespaceName;
        Ip("link", "set", _vf, "netns", ns);
        Ip("-n", ns, "link", "set", _vf, "down");
        Ip("-n", ns, "link", "set", _vf, "name", InsideName);
        Ip("-n", ns, "link", "set", InsideName, "mtu", "1400");
        Ip("-n", ns, "link", "set", InsideName, "up");
        Ip("netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");
        Ip("-n", ns, "addr", "replace", "10.77.0.2/24", "dev", InsideName);
        Ip("-n", ns, "route", "replace", "10.78.0.0/24", "via", "10.77.0.1", "dev", InsideName, "onlink");
        Ip("-n", ns, "link", "set", InsideName, "address", "0a:55:44:33:22:00");

        Ip("-n", ns, "link", "set", InsideName, "down");
        Ip("-n", ns, "link", "set", InsideName, "name", _vf);
        Ip("-n", ns, "link", "set", _vf, "netns", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    private async Task SetupAsync()
    {
        _namespaceName = $"kmb-{_id}";
        _vf = $"k{_id}a";
        Ip("netns", "add", _namespaceName);
        Ip("link", "add", _vf, "type", "veth", "peer", "name", $"k{_id}b");
        _target = NetworkNamespace.Open($"/var/run/netns/{_namespaceName}");
        _host = NetworkNamespace.OpenHost();
        _hostNetlink = RouteNetlink.Open();

        _silos = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [Node],
            SimulatedNode = "pfs=1,vfs=2",
            RealNetdevs = true,
            ConfigureSilo = silo =>
            {
                silo.Services.AddSingleton<IVfioDevices, VfioDevices>();
                silo.Services.AddSingleton<IDeviceCgroupController, BenchCgroupGrants>();
                silo.Services.AddSingleton<INsmRegistryClient, BenchRegistry>();
                silo.Services.AddSingleton<INextHopClient, BenchNextHop>();
                silo.Services.AddSingleton<IConnectionEventSink, BenchEventSink>();
                silo.Services.AddForwarderChain(o =>
                {
                    o.Name = "forwarder";
                    o.NodeName = Node;
                });
                silo.Services.AddSimulatedNodeVfEthernetSettings();
            },
        });
        _grains = _silos.SiloGrains;
        var nodeGrain = _grains.GetGrain<INodeGrain>(Node);
        var resource = (await nodeGrain.GetResourceNamesAsync())[0];
        _token = (await nodeGrain.GetDevicesAsync(resource)).Devices[0].Id;
    }

    private async Task ForwarderAsync()
    {
        var id = Guid.NewGuid().ToString();
        // From inside the silo, as the NSM endpoint calls it (the test cluster's client would add a TCP hop).
        var grain = _grains.GetGrain<IConnectionGrain>(NodeKeys.For(Node, id));
        var request = NsmgrRequests.Create(id, DateTimeOffset.UtcNow.AddHours(1), new Mechanism
        {
            Cls = "LOCAL",
            Type = "KERNEL",
            Parameters = { ["tokenID"] = _token, ["name"] = InsideName, ["inodeURL"] = "file:///var/run/netns/" + _namespaceName },
        });
        var connection = await grain.RequestAsync(request);
        await grain.CloseAsync(connection);
    }

    private static void Ip(params string[] args) => TestSupport.Namespaces.IpCommand.Run(args);

    private static void TryIp(params string[] args) => TestSupport.Namespaces.IpCommand.TryRun(args);
}
