using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Grains.Tests.Chain;

namespace SriovForwarder.Grains.Tests.Storage;

/// <summary>
/// The silo's wiring of decision 046: both node storages serialize with <see cref="NodeStateSerializer"/>, whose legacy
/// reader is the silo's own Newtonsoft serializer, so a connection state file the previous release left is read in the
/// silo, and a connection grain's writes are in the new format.
/// </summary>
[Collection(ConnectionClusterCollection.Name)]
public sealed class NodeStorageInSiloTests(ConnectionClusterFixture fixture)
{
    private IServiceProvider Services => fixture.Cluster.Silos[0].ServiceProvider;

    [Fact]
    public async Task JournalStorage_ConnectionStateFileOfThePreviousRelease_IsReadInTheSilo()
    {
        var grain = ConnectionGrainId();
        var sample = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Storage", "Legacy", "bench-node_c-6560-952b9ca6.connection.json"));
        var payload = sample.AsSpan(20 + BitConverter.ToInt32(sample, 16)).ToArray(); // after the SRIOVST2 header and key
        Services.GetRequiredKeyedService<FileGrainStorage>(FileGrainStorageExtensions.NodeStorage).WriteStored("connection", grain, 3, payload);

        var read = new GrainState<ConnectionState>();
        await Services.GetRequiredKeyedService<IGrainStorage>(FileGrainStorageExtensions.NodeJournalStorage).ReadStateAsync("connection", grain, read);

        Assert.Equal((true, "3"), (read.State!.Established, read.ETag));
        Assert.Equal("unix:///tmp/endpoint-bench-OPy2Rh/nse.sock", read.State!.NextHopUrl);
    }

    [Fact]
    public async Task JournalStorage_StateWrittenInTheSilo_IsInTheNewFormat()
    {
        var grain = ConnectionGrainId();
        var storage = Services.GetRequiredKeyedService<JournaledGrainStorage>(FileGrainStorageExtensions.NodeJournalStorage);
        await storage.WriteStateAsync("connection", grain, new GrainState<ConnectionState> { State = new ConnectionState { NextHopUrl = "unix:///x.sock" } });

        await storage.CompactAsync();

        var stored = Services.GetRequiredKeyedService<FileGrainStorage>(FileGrainStorageExtensions.NodeStorage).ReadStored("connection", grain);
        Assert.True(NodeStateSerializer.IsCurrentFormat(stored!.Value.Payload));
        Assert.IsType<NodeStateSerializer>(Services.GetRequiredKeyedService<IGrainStorageSerializer>(FileGrainStorageExtensions.NodeStorage));
    }

    private GrainId ConnectionGrainId() =>
        fixture.Grains.GetGrain<IConnectionGrain>(NodeKeys.For(ConnectionClusterFixture.Node, Guid.NewGuid().ToString())).GetGrainId();
}
