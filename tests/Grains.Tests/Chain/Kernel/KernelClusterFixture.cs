using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.VfEthernet;
using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>
/// One silo on a SIMULATED node whose VF netdevs are real veths (root only): the real connection grain, chain, node
/// and PF grains and netlink; only the registry and the next hop are stand-ins, and VF MAC/VLAN use the simulated
/// node's settings (docs/decisions/003-simulated-vf-ethernet-settings.md).
/// </summary>
public sealed class KernelClusterFixture : IAsyncLifetime
{
    public const string Node = "node-k";

    private NodeSilos _silos = null!;

    public InProcessTestCluster Cluster => _silos.Cluster;

    public SimulatedSriovNode SimulatedNode => _silos.Node(0);

    internal KernelNextHop NextHop { get; } = new();

    public IGrainFactory Grains => Cluster.Client;

    public INodeGrain NodeGrain => Grains.GetGrain<INodeGrain>(Node);

    public async Task InitializeAsync()
    {
        _silos = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [Node],
            SimulatedNode = "pfs=1,vfs=4",
            RealNetdevs = true,
            ConfigureSilo = silo =>
        {
            silo.Services.AddSingleton<IVfioDevices>(new FakeVfioDevices());
            silo.Services.AddSingleton<IDeviceCgroupController>(new FakeCgroupGrants());
            silo.Services.AddSingleton<INsmRegistryClient>(FakeRegistry.WithEndpoints("nse-1"));
            silo.Services.AddSingleton<INextHopClient>(NextHop);
            silo.Services.AddSingleton<IConnectionEventSink>(new RecordingSink());
            silo.Services.AddForwarderChain(o =>
            {
                o.Name = "forwarder";
                o.NodeName = Node;
            });
            silo.Services.AddSimulatedNodeVfEthernetSettings();
        },
        });
    }

    public async Task DisposeAsync() => await _silos.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class KernelClusterCollection : ICollectionFixture<KernelClusterFixture>
{
    public const string Name = "kernel cluster (root, real veths and namespaces)";
}
