using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains.Tests.Storage;

public sealed class FileGrainStorageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sriov-storage-").FullName;
    private readonly FileGrainStorage _storage;
    private readonly GrainId _grain = GrainId.Create("node", "node-1/0000:01:00.0");

    public FileGrainStorageTests() =>
        _storage = new FileGrainStorage(Options.Create(new FileGrainStorageOptions { RootPath = _root }), new PlainJsonSerializer(), NullLogger<FileGrainStorage>.Instance);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Write_ThenRead_ReturnsTheStateWithItsVersion()
    {
        var written = new GrainState<Sample> { State = new Sample { Name = "vf-1", Count = 3 } };
        await _storage.WriteStateAsync("alloc", _grain, written);
        await _storage.WriteStateAsync("alloc", _grain, written);

        var read = new GrainState<Sample>();
        await _storage.ReadStateAsync("alloc", _grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("vf-1", read.State!.Name);
        Assert.Equal(3, read.State!.Count);
        Assert.Equal("2", read.ETag);
        Assert.Empty(Directory.GetFiles(_root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Read_Missing_GivesAFreshStateWithoutRecord()
    {
        var read = new GrainState<Sample>();
        await _storage.ReadStateAsync("alloc", _grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State!.Count);
    }

    [Fact]
    public async Task Write_WithStaleETag_IsRefusedAndKeepsTheFile()
    {
        var first = new GrainState<Sample> { State = new Sample { Count = 1 } };
        await _storage.WriteStateAsync("alloc", _grain, first);
        var stale = new GrainState<Sample> { State = new Sample { Count = 99 } };

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("alloc", _grain, stale));

        Assert.Contains("another activation wrote it", error.Message, StringComparison.Ordinal);
        var read = new GrainState<Sample>();
        await _storage.ReadStateAsync("alloc", _grain, read);
        Assert.Equal(1, read.State!.Count);
    }

    [Fact]
    public async Task Read_CorruptFile_NamesTheFile()
    {
        await _storage.WriteStateAsync("alloc", _grain, new GrainState<Sample> { State = new Sample() });
        var file = Directory.GetFiles(_root, "*.json", SearchOption.AllDirectories).Single();
        await File.WriteAllTextAsync(file, "not a state file");

        var error = await Assert.ThrowsAsync<FileGrainStorageException>(() => _storage.ReadStateAsync("alloc", _grain, new GrainState<Sample>()));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_RemovesTheFile()
    {
        var state = new GrainState<Sample> { State = new Sample { Count = 5 } };
        await _storage.WriteStateAsync("alloc", _grain, state);

        await _storage.ClearStateAsync("alloc", _grain, state);

        Assert.Empty(Directory.GetFiles(_root, "*.json", SearchOption.AllDirectories));
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task ListKeys_WrittenGrainsOfOneType_GivesTheirKeysNotOthersOrCleared()
    {
        var other = GrainId.Create("node", "node-1/0000:02:00.0");
        var cleared = GrainId.Create("node", "node-1/0000:03:00.0");
        await _storage.WriteStateAsync("alloc", _grain, new GrainState<Sample> { State = new Sample() });
        await _storage.WriteStateAsync("alloc", other, new GrainState<Sample> { State = new Sample() });
        var clearedState = new GrainState<Sample> { State = new Sample() };
        await _storage.WriteStateAsync("alloc", cleared, clearedState);
        await _storage.ClearStateAsync("alloc", cleared, clearedState);
        await _storage.WriteStateAsync("alloc", GrainId.Create("pf", "node-1/x"), new GrainState<Sample> { State = new Sample() });

        var keys = _storage.ListKeys(_grain.Type, "alloc");

        Assert.Equal(["node-1/0000:01:00.0", "node-1/0000:02:00.0"], keys.Order());
    }

    [Fact]
    public async Task Read_FileWrittenBeforeKeysWereKept_IsStillRead()
    {
        await _storage.WriteStateAsync("alloc", _grain, new GrainState<Sample> { State = new Sample { Name = "old", Count = 1 } });
        var path = Directory.GetFiles(_root, "*.alloc.json", SearchOption.AllDirectories).Single();
        var current = await File.ReadAllBytesAsync(path);
        var keyLength = BitConverter.ToInt32(current, 16);
        var version1 = "SRIOVST1"u8.ToArray().Concat(current[8..16]).Concat(current[(20 + keyLength)..]).ToArray();
        await File.WriteAllBytesAsync(path, version1);

        var read = new GrainState<Sample>();
        await _storage.ReadStateAsync("alloc", _grain, read);

        Assert.Equal(("old", 1), (read.State!.Name, read.State.Count));
        Assert.Empty(_storage.ListKeys(_grain.Type, "alloc"));
    }

    public sealed class Sample
    {
        public string Name { get; set; } = string.Empty;

        public int Count { get; set; }
    }

    private sealed class PlainJsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span)!;
    }
}
