using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Kernel.VfEthernet;
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

    private readonly string _statePath = Directory.CreateTempSubdirectory("kernel-chain-state-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public SimulatedSriovNode SimulatedNode { get; private set; } = null!;

    internal KernelNextHop NextHop { get; } = new();

    public IGrainFactory Grains => Cluster.Client;

    public INodeGrain NodeGrain => Grains.GetGrain<INodeGrain>(Node);

    public async Task InitializeAsync()
    {
        SimulatedNode = await SimulatedSriovNode.CreateAsync(null, SimulatedNodeSpec.Parse("pfs=1,vfs=4"), new SimulatedNodeOptions { RealNetdevs = true });
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            var services = host.Services;
            services.AddSingleton(new LocalNode(Node));
            services.AddSingleton<IOptions<PciOptions>>(Options.Create(SimulatedNode.CreatePciOptions()));
            services.AddSingleton<IPciDevices, SysfsPciDevices>();
            services.AddSingleton(SriovConfigReader.ReadFile(SimulatedNode.ConfigFilePath));
            services.AddSingleton<INodeInventorySource, SysfsNodeInventorySource>();
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddNodeFileStorage(_statePath);
            silo.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadataKey] = Node });
            silo.AddPlacementDirector<NodeBoundPlacementStrategy, NodeBoundPlacementDirector>();
            silo.Services.AddSingleton(TimeProvider.System);
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
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await SimulatedNode.DisposeAsync();
        Directory.Delete(_statePath, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class KernelClusterCollection : ICollectionFixture<KernelClusterFixture>
{
    public const string Name = "kernel cluster (root, real veths and namespaces)";
}
