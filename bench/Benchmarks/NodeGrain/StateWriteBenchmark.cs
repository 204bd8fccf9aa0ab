using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Benchmarks.NodeGrain;

/// <summary>
/// What a reserve + release persists, without the grain: two writes of a node-allocation-sized state (about 600
/// bytes), once as the node grain did before decision 028 (replace the snapshot file: write a temporary file, rename
/// it over the old one) and once through the journal (one append per write, compaction every
/// <see cref="JournaledGrainStorage.CompactAfterRecords"/> records included).
/// </summary>
[Config(typeof(NodeGrainBenchmarkConfig))]
public class StateWriteBenchmark
{
    private readonly GrainId _grain = GrainId.Create("node", "bench-node");
    private readonly GrainState<Allocations> _fileState = new() { State = Allocations.Sample() };
    private readonly GrainState<Allocations> _journalState = new() { State = Allocations.Sample() };
    private string _root = null!;
    private FileGrainStorage _files = null!;
    private JournaledGrainStorage _journal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("sriov-bench-state-").FullName;
        _files = new FileGrainStorage(Options.Create(new FileGrainStorageOptions { RootPath = Path.Combine(_root, "files") }), new Json(), NullLogger<FileGrainStorage>.Instance);
        var snapshots = new FileGrainStorage(Options.Create(new FileGrainStorageOptions { RootPath = Path.Combine(_root, "journaled") }), new Json(), NullLogger<FileGrainStorage>.Instance);
        _journal = new JournaledGrainStorage(snapshots, new Json(), Path.Combine(_root, "journaled", "journal"), NullLogger<JournaledGrainStorage>.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _journal.Dispose();
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

    public sealed class Allocations
    {
        public List<string> Reservations { get; set; } = [];

        public static Allocations Sample() =>
            new() { Reservations = [.. Enumerable.Range(0, 4).Select(i => $"{{\"ConnectionId\":\"bench-connection-{i}\",\"TokenId\":\"sriov-0000-{i}\",\"VfAddress\":\"0000:01:00.{i}\",\"Driver\":1}}")] };
    }

    private sealed class Json : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span)!;
    }
}
