using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Tests.Hosting;

public sealed class StatePathCheckTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-statepath-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Ensure_MissingFolder_MakesItAndLeavesNoProbeFile()
    {
        var state = Path.Combine(_folder, "a", "state");

        StatePathCheck.Ensure(state);

        Assert.Equal([Path.Combine(state, "grains")], Directory.GetFileSystemEntries(state));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(state, "grains")));
    }

    [Fact]
    public void Ensure_RegularFile_IsRefusedNamingIt()
    {
        var file = Path.Combine(_folder, "state");
        File.WriteAllText(file, "x");

        var refusal = Assert.Throws<StartupRefusedException>(() => StatePathCheck.Ensure(file));

        Assert.StartsWith($"NSM_STATE_PATH: {file} is a file, not a folder", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_CorruptAllocationsFile_NamesItAndWhatMovingItAsideLoses()
    {
        var file = Path.Combine(_folder, "grains", "node", "n1.allocations.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "");

        var refusal = Assert.Throws<StartupRefusedException>(() => StatePathCheck.Ensure(_folder));

        Assert.StartsWith($"NSM_STATE_PATH: the state file {file} is empty. To recover, move it aside (mv {file} {file}.corrupt)", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("the node reserves every VF again for the connection whose own state file records it", refusal.Message, StringComparison.Ordinal);
    }
}
