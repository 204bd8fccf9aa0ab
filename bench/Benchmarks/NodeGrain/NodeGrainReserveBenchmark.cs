using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Storage;
using SriovForwarder.TestSupport.Cluster;

namespace SriovForwarder.Benchmarks.NodeGrain;

/// <summary>
/// One reserve + release through <see cref="INodeGrain"/> in a one-silo cluster on a SIMULATED node, called from
/// inside the silo (the silo's own grain factory, as the co-hosted gateway and the connection grains call it).
/// Each reserve and each release appends the node's allocation state to the journal (decision 028; before it, each
/// rewrote the node's allocation file, which <see cref="StateWriteBenchmark"/> compares in one run).
/// The baseline is a read-only call to the same grain, i.e. the cost of the grain call itself. <see cref="Serializer"/>
/// picks the state serializer: the silo's (<c>node</c>, decision 046) or Orleans' default Newtonsoft one, which every
/// release before decision 046 used (<c>newtonsoft</c>), so one run gives before and after.
/// </summary>
[Config(typeof(NodeGrainBenchmarkConfig))]
public class NodeGrainReserveBenchmark
{
    private const string Node = "bench-node";
    private NodeSilos _silos = null!;
    private INodeGrain _grain = null!;
    private string _token = null!;

    [Params("node", "newtonsoft")]
    public string Serializer { get; set; } = "node";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _silos.DisposeAsync().AsTask().GetAwaiter().GetResult();

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
        _silos = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [Node],
            SimulatedNode = "pfs=2,vfs=16",
            ConfigureSilo = Serializer == "newtonsoft"
                ? silo => silo.Services.AddKeyedSingleton(FileGrainStorageExtensions.NodeStorage, (sp, _) => sp.GetRequiredService<IGrainStorageSerializer>())
                : null,
        });
        _grain = _silos.SiloGrains.GetGrain<INodeGrain>(Node);
        var resource = (await _grain.GetResourceNamesAsync())[0];
        _token = (await _grain.GetDevicesAsync(resource)).Devices[0].Id;
    }
}
