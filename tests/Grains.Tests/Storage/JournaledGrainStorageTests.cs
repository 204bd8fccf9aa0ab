using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains.Tests.Storage;

/// <summary>
/// The reservation journal (decision 028): a state written through it is found again by a storage started on the same
/// folder without the first being stopped (a kill -9), a record cut short by a crash is dropped while those before it
/// count, compaction moves the state into the snapshot files, and concurrent writers share writes without losing any.
/// </summary>
public sealed class JournaledGrainStorageTests : IDisposable
{
    private const string StateName = "allocations";
    private readonly string _root = Directory.CreateTempSubdirectory("sriov-journal-").FullName;
    private readonly GrainId _grain = GrainId.Create("node", "node-1");

    private string JournalFolder => Path.Combine(_root, "journal");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Write_ThenStartAgainWithoutStopping_ReplaysTheJournalIntoTheSnapshotFile()
    {
        using var killed = Start();
        await WriteAsync(killed, _grain, "vf-1", expectedVersion: null);
        await WriteAsync(killed, _grain, "vf-2", expectedVersion: "1");

        using var restarted = Start();
        var read = await ReadAsync(restarted, _grain);

        Assert.Equal(("vf-2", "2"), (read.State!.Name, read.ETag));
        Assert.Equal("vf-2", SnapshotName(_grain));
        Assert.Equal([restarted.Journal.CurrentPath], GrainStateJournal.Files(JournalFolder).Select(f => f.Path));
    }

    [Fact]
    public async Task KilledStorageDisposedAfterARestartTookOver_DoesNotOverwriteTheNewerSnapshot()
    {
        using var killed = Start();
        await WriteAsync(killed, _grain, "old", expectedVersion: null);
        using (var restarted = Start())
        {
            await WriteAsync(restarted, _grain, "new", expectedVersion: "1");
            killed.Dispose();
        }

        using var third = Start();
        Assert.Equal("new", (await ReadAsync(third, _grain)).State!.Name);
    }

    [Fact]
    public async Task TornLastRecord_IsDroppedAndTheRecordsBeforeItAreReplayed()
    {
        using var killed = Start();
        await WriteAsync(killed, _grain, "first", expectedVersion: null);
        await WriteAsync(killed, _grain, "second", expectedVersion: "1");
        await WriteAsync(killed, _grain, "third-cut-short", expectedVersion: "2");
        var file = killed.Journal.CurrentPath;
        var length = new FileInfo(file).Length;
        using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.SetLength(handle, length - 5);
        }

        using var restarted = Start();
        var read = await ReadAsync(restarted, _grain);

        Assert.Equal(("second", "2"), (read.State!.Name, read.ETag));
    }

    [Fact]
    public async Task DamagedRecord_StopsTheReplayThere()
    {
        using var killed = Start();
        await WriteAsync(killed, _grain, "first", expectedVersion: null);
        var firstEnds = new FileInfo(killed.Journal.CurrentPath).Length;
        await WriteAsync(killed, _grain, "second", expectedVersion: "1");
        await using (var stream = new FileStream(killed.Journal.CurrentPath, FileMode.Open, FileAccess.Write))
        {
            stream.Seek(-3, SeekOrigin.End);
            stream.WriteByte(0xff);
        }

        Assert.True(new FileInfo(killed.Journal.CurrentPath).Length > firstEnds, "the damaged byte is in the second record");
        using var restarted = Start();

        Assert.Equal("first", (await ReadAsync(restarted, _grain)).State!.Name);
    }

    [Fact]
    public async Task Compact_WritesTheSnapshotsAndDeletesTheClosedGeneration_AndAClearRemovesTheFile()
    {
        var other = GrainId.Create("node", "node-2");
        using var storage = Start();
        await WriteAsync(storage, _grain, "kept", expectedVersion: null);
        await WriteAsync(storage, other, "cleared", expectedVersion: null);
        await storage.ClearStateAsync(StateName, other, new GrainState<Sample> { ETag = "1" });
        var before = storage.Journal.CurrentPath;

        await storage.CompactAsync();

        Assert.Equal("kept", SnapshotName(_grain));
        Assert.Null(Files().ReadStored(StateName, other));
        Assert.False(File.Exists(before));
        Assert.Equal([storage.Journal.CurrentPath], GrainStateJournal.Files(JournalFolder).Select(f => f.Path));
        Assert.False((await ReadAsync(storage, other)).RecordExists);
    }

    [Fact]
    public async Task GracefulStop_LeavesTheStateInTheSnapshotFilesAndNoJournal()
    {
        using (var storage = Start())
        {
            await WriteAsync(storage, _grain, "stopped", expectedVersion: null);
        }

        Assert.Empty(GrainStateJournal.Files(JournalFolder));
        Assert.Equal("stopped", SnapshotName(_grain));
    }

    [Fact]
    public async Task StaleETag_IsRefusedAndWritesNothing()
    {
        using var storage = Start();
        await WriteAsync(storage, _grain, "first", expectedVersion: null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(storage, _grain, "stale", expectedVersion: null));

        using var restarted = Start();
        Assert.Equal("first", (await ReadAsync(restarted, _grain)).State!.Name);
    }

    [Fact]
    public async Task ConcurrentWriters_EveryRecordSurvivesARestart_AndWritesAreShared()
    {
        const int writers = 16;
        const int writesEach = 40;
        using var killed = Start();
        var grains = Enumerable.Range(0, writers).Select(i => GrainId.Create("node", $"node-{i}")).ToList();

        await Task.WhenAll(grains.Select(grain => Task.Run(async () =>
        {
            string? etag = null;
            for (var n = 1; n <= writesEach; n++)
            {
                etag = await WriteAsync(killed, grain, $"{grain.Key}#{n}", etag);
            }
        })));

        Assert.InRange(killed.Journal.Writes, 1, writers * writesEach);
        using var restarted = Start();
        foreach (var grain in grains)
        {
            var read = await ReadAsync(restarted, grain);
            Assert.Equal(($"{grain.Key}#{writesEach}", writesEach.ToString(System.Globalization.CultureInfo.InvariantCulture)), (read.State!.Name, read.ETag));
        }
    }

    [Fact]
    public async Task ListKeys_ShowsJournaledStatesBeforeAnyCompaction_AndNotClearedOnes()
    {
        var kept = GrainId.Create("node", "node-kept");
        var cleared = GrainId.Create("node", "node-cleared");
        var onlyInFile = GrainId.Create("node", "node-file");
        using (var earlier = Start())
        {
            await WriteAsync(earlier, onlyInFile, "from an earlier run", expectedVersion: null);
            await WriteAsync(earlier, cleared, "cleared later", expectedVersion: null);
        }

        using var storage = Start();
        await WriteAsync(storage, kept, "journal only", expectedVersion: null);
        await storage.ClearStateAsync(StateName, cleared, new GrainState<Sample> { ETag = "1" });

        var listed = storage.ListKeys(kept.Type, StateName);

        Assert.Equal(["node-file", "node-kept"], listed.Order(StringComparer.Ordinal));
        Assert.Null(Files().ReadStored(StateName, kept));
    }

    [Fact]
    public async Task ClearedState_AfterCompaction_ReadsAsAbsentAndCanBeWrittenAgain()
    {
        using var storage = Start();
        await WriteAsync(storage, _grain, "first life", expectedVersion: null);
        await storage.ClearStateAsync(StateName, _grain, new GrainState<Sample> { ETag = "1" });
        await storage.CompactAsync();

        Assert.False((await ReadAsync(storage, _grain)).RecordExists);
        await WriteAsync(storage, _grain, "second life", expectedVersion: null);
        using var restarted = Start();
        Assert.Equal("second life", (await ReadAsync(restarted, _grain)).State!.Name);
    }

    private JournaledGrainStorage Start() =>
        new(Files(), new PlainJsonSerializer(), JournalFolder, NullLogger<JournaledGrainStorage>.Instance);

    private FileGrainStorage Files() =>
        new(Options.Create(new FileGrainStorageOptions { RootPath = _root }), new PlainJsonSerializer(), NullLogger<FileGrainStorage>.Instance);

    private string? SnapshotName(GrainId grain) =>
        Files().ReadStored(StateName, grain) is { } stored ? JsonSerializer.Deserialize<Sample>(stored.Payload)!.Name : null;

    private static async Task<string> WriteAsync(IGrainStorage storage, GrainId grain, string name, string? expectedVersion)
    {
        var state = new GrainState<Sample> { State = new Sample { Name = name }, ETag = expectedVersion };
        await storage.WriteStateAsync(StateName, grain, state);
        return state.ETag!;
    }

    private static async Task<GrainState<Sample>> ReadAsync(IGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<Sample>();
        await storage.ReadStateAsync(StateName, grain, state);
        return state;
    }

    public sealed class Sample
    {
        public string Name { get; set; } = string.Empty;
    }

    private sealed class PlainJsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span)!;
    }
}
