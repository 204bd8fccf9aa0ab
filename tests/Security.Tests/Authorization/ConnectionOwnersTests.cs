using SriovForwarder.Security.Authorization;

namespace SriovForwarder.Security.Tests.Authorization;

/// <summary>The owner map kept in a file: what a restarted process reads back (a new instance on the same file).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ConnectionOwnersTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-owners-").FullName;

    private string OwnersFile => Path.Combine(_folder, "connection-owners.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Restart_ANewMapOnTheSameFile_KnowsWhoMadeEachOpenConnectionAndNotTheClosedOnes()
    {
        var before = new ConnectionOwners(OwnersFile);
        before.Record("conn-a", "spiffe://example.org/nsmgr");
        before.Record("conn-b", "spiffe://example.org/other");
        before.Forget("conn-b");

        var after = new ConnectionOwners(OwnersFile);

        Assert.Equal("spiffe://example.org/nsmgr", after.OwnerOf("conn-a"));
        Assert.False(after.Owns("spiffe://example.org/other", "conn-a"));
        Assert.Null(after.OwnerOf("conn-b"));
    }

    [Fact]
    public void File_IsOwnerOnlyAndLeavesNoTemporaryFileBehind()
    {
        var owners = new ConnectionOwners(OwnersFile);
        owners.Record("conn-a", "spiffe://example.org/nsmgr");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(OwnersFile));
        Assert.Equal(["connection-owners.json"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void DamagedFile_IsRefusedNamingIt()
    {
        File.WriteAllText(OwnersFile, "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => new ConnectionOwners(OwnersFile));

        Assert.Contains(OwnersFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoFile_MemoryOnly_WritesNothing()
    {
        var owners = new ConnectionOwners();
        owners.Record("conn-a", "spiffe://example.org/nsmgr");

        Assert.Null(owners.File);
        Assert.Equal("spiffe://example.org/nsmgr", owners.OwnerOf("conn-a"));
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
