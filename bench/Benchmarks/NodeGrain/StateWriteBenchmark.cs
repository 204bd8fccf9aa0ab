using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Benchmarks.NodeGrain;

/// <summary>
/// What a reserve + release persists, without the grain: two writes of a node-allocation-sized state (about 600
/// bytes), once as the node grain did before decision 028 (replace the snapshot file: write a temporary file, rename
/// it over the old one) and once through the journal (one append per write, compaction every
/// <see cref="JournaledGrainStorage.CompactAfterRecords"/> records included), the state serialized as the silo does
/// (<see cref="NodeStateSerializer"/>, decision 046). The journal once more with Orleans' default Newtonsoft serializer
/// shows what the serializer of decision 046 saves per write.
/// </summary>
[Config(typeof(NodeGrainBenchmarkConfig))]
public class StateWriteBenchmark
{
    private readonly GrainId _grain = GrainId.Create("node", "bench-node");
    private readonly GrainState<NodeAllocationState> _fileState = new() { State = Sample() };
    private readonly GrainState<NodeAllocationState> _journalState = new() { State = Sample() };
    private readonly GrainState<NodeAllocationState> _newtonsoftState = new() { State = Sample() };
    private string _root = null!;
    private FileGrainStorage _files = null!;
    private JournaledGrainStorage _journal = null!;
    private JournaledGrainStorage _newtonsoftJournal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("sriov-bench-state-").FullName;
        var newtonsoft = new JsonGrainStorageSerializer(new OrleansJsonSerializer(Options.Create(new OrleansJsonSerializerOptions())));
        var serializer = new NodeStateSerializer(newtonsoft);
        _files = new FileGrainStorage(Options.Create(new FileGrainStorageOptions { RootPath = Path.Combine(_root, "files") }), serializer, NullLogger<FileGrainStorage>.Instance);
        _journal = Journal(Path.Combine(_root, "journaled"), serializer);
        _newtonsoftJournal = Journal(Path.Combine(_root, "newtonsoft"), newtonsoft);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _journal.Dispose();
        _newtonsoftJournal.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task SnapshotFileReplaceTwice()
    {
        await _files.WriteStateAsync("allocations", _grain, _fileState);
        await _files.WriteStateAsync("allocations", _grain, _fileState);
    }

    [Benchmark]
    public async Task JournalAppendTwice()
    {
        await _journal.WriteStateAsync("allocations", _grain, _journalState);
        await _journal.WriteStateAsync("allocations", _grain, _journalState);
    }

    [Benchmark]
    public async Task JournalAppendTwiceNewtonsoft()
    {
        await _newtonsoftJournal.WriteStateAsync("allocations", _grain, _newtonsoftState);
        await _newtonsoftJournal.WriteStateAsync("allocations", _grain, _newtonsoftState);
    }

    private static JournaledGrainStorage Journal(string root, IGrainStorageSerializer serializer) =>
        new(new FileGrainStorage(Options.Create(new FileGrainStorageOptions { RootPath = root }), serializer, NullLogger<FileGrainStorage>.Instance),
            serializer, Path.Combine(root, "journal"), NullLogger<JournaledGrainStorage>.Instance);

    // Four reservations with owners, as a node with four VFs in use holds.
    private static NodeAllocationState Sample() => new()
    {
        Reservations = [.. Enumerable.Range(0, 4).Select(i => new ReservationRecord
        {
            ConnectionId = $"bench-connection-{i}", TokenId = $"sriov-0000-{i}", ResourceName = "intel.com/sriov", PfAddress = "0000:01:00.0",
            VfAddress = $"0000:01:00.{i + 1}", VfNumber = i, IommuGroup = 40 + i, Driver = VfDriver.Kernel, ReservedAt = DateTimeOffset.UnixEpoch,
            Client = $"pod-{i}", NetworkService = "ns", Mechanism = "KERNEL",
        })],
        AllocatedTokenIds = [.. Enumerable.Range(0, 4).Select(i => $"sriov-0000-{i}")],
    };
}
