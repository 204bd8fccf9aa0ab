using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Grains.Tests.Cluster;

/// <summary>
/// An in-process cluster with one silo per SIMULATED node: silo i runs node <c>node-i</c> with its own
/// simulated sysfs tree and its own state folder, as one forwarder process per Kubernetes node would.
/// </summary>
public sealed class SimulatedNodeSilos : IAsyncDisposable
{
    private readonly List<SimulatedSriovNode> _nodes;
    private readonly string _stateRoot;

    private SimulatedNodeSilos(InProcessTestCluster cluster, List<SimulatedSriovNode> nodes, string stateRoot)
    {
        Cluster = cluster;
        _nodes = nodes;
        _stateRoot = stateRoot;
    }

    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The grain factory of the cluster's client.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The simulated node behind silo <paramref name="index"/>.</summary>
    public SimulatedSriovNode Node(int index) => _nodes[index];

    /// <summary>The node name served by silo <paramref name="index"/>.</summary>
    public static string NodeName(int index) => $"node-{index}";

    /// <summary>The silo name the test cluster gives silo <paramref name="index"/>.</summary>
    public static string SiloName(int index) => $"Silo_{index}";

    /// <summary>Starts <paramref name="count"/> silos, each on its own simulated node of the given shape.</summary>
    public static async Task<SimulatedNodeSilos> StartAsync(int count, string spec = "pfs=2,vfs=4")
    {
        var nodes = new List<SimulatedSriovNode>();
        for (var i = 0; i < count; i++)
        {
            nodes.Add(await SimulatedSriovNode.CreateAsync(null, SimulatedNodeSpec.Parse(spec), new SimulatedNodeOptions { RealNetdevs = false }));
        }

        var stateRoot = Directory.CreateTempSubdirectory("sriov-grain-state-").FullName;
        var builder = new InProcessTestClusterBuilder((short)count);
        builder.ConfigureSiloHost((options, host) => ConfigureNodeServices(host, IndexOf(options.SiloName), nodes[IndexOf(options.SiloName)]));
        builder.ConfigureSilo((options, silo) =>
        {
            var node = NodeName(IndexOf(options.SiloName));
            silo.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadataKey] = node });
            silo.AddPlacementDirector<NodeBoundPlacementStrategy, NodeBoundPlacementDirector>();
            silo.AddNodeFileStorage(Path.Combine(stateRoot, node));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SimulatedNodeSilos(cluster, nodes, stateRoot);
    }

    /// <summary>The handle of the silo that serves node <paramref name="index"/>.</summary>
    public InProcessSiloHandle Silo(int index) => Cluster.Silos.Single(s => s.Name == SiloName(index));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_stateRoot, recursive: true);
    }

    private static int IndexOf(string siloName) => int.Parse(siloName["Silo_".Length..], System.Globalization.CultureInfo.InvariantCulture);

    private static void ConfigureNodeServices(IHostApplicationBuilder host, int index, SimulatedSriovNode node)
    {
        var services = host.Services;
        services.AddSingleton(new LocalNode(NodeName(index)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOptions<PciOptions>>(Options.Create(node.CreatePciOptions()));
        services.AddSingleton<IPciDevices, SysfsPciDevices>();
        services.AddSingleton(SriovConfigReader.ReadFile(node.ConfigFilePath));
        services.AddSingleton<INodeInventorySource, SysfsNodeInventorySource>();
    }
}
