using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains.Tests.Storage;

public sealed class StateFileCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sriov-statecheck-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task FindUnreadable_FilesWrittenByTheStorage_FindsNothing()
    {
        var storage = new FileGrainStorage(Options.Create(new FileGrainStorageOptions { RootPath = _root }), new JsonSerializer(), NullLogger<FileGrainStorage>.Instance);
        await storage.WriteStateAsync("tokenids", GrainId.Create("node", "node-1"), new GrainState<string[]> { State = ["sriov-1"] });
        await storage.WriteStateAsync("connection", GrainId.Create("connection", "node-1/c-1"), new GrainState<string[]> { State = [] });

        Assert.Null(StateFileCheck.FindUnreadable(_root));
    }

    [Fact]
    public void FindUnreadable_MissingRoot_FindsNothing() =>
        Assert.Null(StateFileCheck.FindUnreadable(Path.Combine(_root, "absent")));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("{\"TokenIds\":[]}", "has no sriov-forwarder state header")]
    [InlineData("SRIOVST1\u0001\0\0\0\0\0\0\0{\"TokenIds\":[\"sriov-", "holds invalid JSON")]
    public void FindUnreadable_CorruptFile_NamesItAndWhatIsWrong(string content, string problem)
    {
        var good = Path.Combine(_root, "node", "a.allocations.json");
        var corrupt = Path.Combine(_root, "node", "b.tokenids.json");
        Directory.CreateDirectory(Path.GetDirectoryName(good)!);
        File.WriteAllText(good, "SRIOVST1\u0001\0\0\0\0\0\0\0{}");
        File.WriteAllText(corrupt, content);
        File.WriteAllText(corrupt + ".corrupt", "moved aside: not read");

        var found = StateFileCheck.FindUnreadable(_root);

        Assert.Equal(corrupt, found?.Path);
        Assert.StartsWith(problem, found?.Problem, StringComparison.Ordinal);
    }

    private sealed class JsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => System.Text.Json.JsonSerializer.Deserialize<T>(input.ToMemory().Span)!;
    }
}
