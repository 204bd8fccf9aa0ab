using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Health;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.TestSupport.Cluster;

/// <summary>
/// The in-process cluster every grain-level fixture and benchmark starts: one silo per node, each with the node-bound
/// placement, its node name in the silo metadata and its own state folder, as one forwarder process per Kubernetes
/// node would; optionally each on its own SIMULATED node. What differs per fixture goes in <see cref="NodeSilosOptions.ConfigureSilo"/>.
/// </summary>
public sealed class NodeSilos : IAsyncDisposable
{
    private readonly List<SimulatedSriovNode> _nodes;

    private NodeSilos(InProcessTestCluster cluster, List<SimulatedSriovNode> nodes, string stateRoot)
    {
        Cluster = cluster;
        _nodes = nodes;
        StateRoot = stateRoot;
    }

    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The grain factory of the cluster's client.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The grain factory inside the first silo, as the co-hosted gateway calls grains (no client hop).</summary>
    public IGrainFactory SiloGrains => Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>The folder under which each node keeps its state (one sub-folder per node name); deleted on dispose.</summary>
    public string StateRoot { get; }

    /// <summary>The simulated node behind silo <paramref name="index"/>.</summary>
    public SimulatedSriovNode Node(int index) => _nodes[index];

    /// <summary>The node name served by silo <paramref name="index"/> when started by count.</summary>
    public static string NodeName(int index) => $"node-{index}";

    /// <summary>The silo name the test cluster gives silo <paramref name="index"/>.</summary>
    public static string SiloName(int index) => $"Silo_{index}";

    /// <summary>Starts <paramref name="count"/> silos, silo i serving <c>node-i</c> on its own simulated node of the given shape.</summary>
    public static Task<NodeSilos> StartAsync(int count, string spec = "pfs=2,vfs=4") =>
        StartAsync(new NodeSilosOptions { Nodes = [.. Enumerable.Range(0, count).Select(NodeName)], SimulatedNode = spec });

    /// <summary>Starts one silo per node of <paramref name="options"/>.</summary>
    public static async Task<NodeSilos> StartAsync(NodeSilosOptions options)
    {
        var nodes = new List<SimulatedSriovNode>();
        if (options.SimulatedNode is { } spec)
        {
            foreach (var _ in options.Nodes)
            {
                nodes.Add(await SimulatedSriovNode.CreateAsync(null, SimulatedNodeSpec.Parse(spec), new SimulatedNodeOptions { RealNetdevs = options.RealNetdevs }));
            }
        }

        var stateRoot = Directory.CreateTempSubdirectory("sriov-grain-state-").FullName;
        var builder = new InProcessTestClusterBuilder((short)options.Nodes.Count);
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            var index = IndexOf(siloOptions.SiloName);
            var node = options.Nodes[index];
            silo.AddNodeFileStorage(Path.Combine(stateRoot, node));
            silo.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadataKey] = node });
            silo.AddPlacementDirector<NodeBoundPlacementStrategy, NodeBoundPlacementDirector>();
            silo.Services.AddSingleton(new LocalNode(node));
            if (nodes.Count > 0)
            {
                AddSimulatedNode(silo.Services, nodes[index]);
            }

            options.ConfigureSilo?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new NodeSilos(cluster, nodes, stateRoot);
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

        Directory.Delete(StateRoot, recursive: true);
    }

    private static int IndexOf(string siloName) => int.Parse(siloName["Silo_".Length..], System.Globalization.CultureInfo.InvariantCulture);

    // The node grain's inventory read from the simulated sysfs tree and config file, as the executable reads the real ones.
    private static void AddSimulatedNode(IServiceCollection services, SimulatedSriovNode node)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOptions<PciOptions>>(Options.Create(node.CreatePciOptions()));
        services.AddSingleton<IPciDevices, SysfsPciDevices>();
        services.AddSingleton(SriovConfigReader.ReadFile(node.ConfigFilePath));
        services.AddSingleton<INodeInventorySource, SysfsNodeInventorySource>();
        // The node's sysfs health probe reads the same trees; a test may register a fake after this.
        services.AddHealthSources();
    }
}
