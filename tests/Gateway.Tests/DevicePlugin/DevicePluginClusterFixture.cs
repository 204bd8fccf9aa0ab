using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>
/// One silo serving node <see cref="Node"/> on a SIMULATED SR-IOV node of 2 PFs × 4 VFs, each PF offering
/// <see cref="Intel"/> and <see cref="TenG"/> (so each resource has 8 tokens, and a VF used through one name
/// closes a token of the other): the real node grain behind the device plugin.
/// </summary>
public sealed class DevicePluginClusterFixture : IAsyncLifetime
{
    public const string Node = "node-dp";
    public const string Intel = "service.domain.1/intel";
    public const string TenG = "service.domain.1/10G";
    public const int TokensPerResource = 8;

    private readonly string _statePath = Directory.CreateTempSubdirectory("dp-state-").FullName;
    private SimulatedSriovNode _node = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public INodeGrain NodeGrain => Grains.GetGrain<INodeGrain>(Node);

    public async Task InitializeAsync()
    {
        _node = await SimulatedSriovNode.CreateAsync(null, SimulatedNodeSpec.Parse("pfs=2,vfs=4,capabilities=intel+10G,domains=service.domain.1"), new SimulatedNodeOptions { RealNetdevs = false });
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddNodeFileStorage(_statePath);
            silo.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadataKey] = Node });
            silo.Services.AddSingleton(new LocalNode(Node));
            silo.Services.AddPlacementDirector<NodeBoundPlacementStrategy, NodeBoundPlacementDirector>();
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton<IOptions<PciOptions>>(Options.Create(_node.CreatePciOptions()));
            silo.Services.AddSingleton<IPciDevices, SysfsPciDevices>();
            silo.Services.AddSingleton(SriovConfigReader.ReadFile(_node.ConfigFilePath));
            silo.Services.AddSingleton<INodeInventorySource, SysfsNodeInventorySource>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await _node.DisposeAsync();
        Directory.Delete(_statePath, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class DevicePluginClusterCollection : ICollectionFixture<DevicePluginClusterFixture>
{
    public const string Name = "device plugin cluster";
}
