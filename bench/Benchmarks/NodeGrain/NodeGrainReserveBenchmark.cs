using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Benchmarks.NodeGrain;

/// <summary>
/// One reserve + release through <see cref="INodeGrain"/> in a one-silo cluster on a SIMULATED node, called from
/// inside the silo (the silo's own grain factory, as the co-hosted gateway and the connection grains call it).
/// Each reserve and each release rewrites the node's allocation file (node-local storage, atomic replace).
/// The baseline is a read-only call to the same grain, i.e. the cost of the grain call itself.
/// </summary>
[Config(typeof(NodeGrainBenchmarkConfig))]
public class NodeGrainReserveBenchmark
{
    private const string Node = "bench-node";
    private SimulatedSriovNode _node = null!;
    private InProcessTestCluster _cluster = null!;
    private INodeGrain _grain = null!;
    private string _stateRoot = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_stateRoot, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<VfReservation?> ReadOnlyGrainCall() => _grain.GetReservationAsync("bench-connection");

    [Benchmark]
    public async Task<bool> ReserveAndRelease()
    {
        await _grain.ReserveAsync(new ReserveRequest("bench-connection", _token, VfDriver.Kernel));
        return await _grain.ReleaseAsync("bench-connection");
    }

    private async Task SetupAsync()
    {
        _node = await SimulatedSriovNode.CreateAsync(null, SimulatedNodeSpec.Parse("pfs=2,vfs=16"), new SimulatedNodeOptions { RealNetdevs = false });
        _stateRoot = Directory.CreateTempSubdirectory("sriov-bench-state-").FullName;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(new LocalNode(Node));
            host.Services.AddSingleton(TimeProvider.System);
            host.Services.AddSingleton<IOptions<PciOptions>>(Options.Create(_node.CreatePciOptions()));
            host.Services.AddSingleton<IPciDevices, SysfsPciDevices>();
            host.Services.AddSingleton(SriovConfigReader.ReadFile(_node.ConfigFilePath));
            host.Services.AddSingleton<INodeInventorySource, SysfsNodeInventorySource>();
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadataKey] = Node });
            silo.AddPlacementDirector<NodeBoundPlacementStrategy, NodeBoundPlacementDirector>();
            silo.AddNodeFileStorage(_stateRoot);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        var factory = _cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        _grain = factory.GetGrain<INodeGrain>(Node);
        var resource = (await _grain.GetResourceNamesAsync())[0];
        _token = (await _grain.GetDevicesAsync(resource)).Devices[0].Id;
    }
}
