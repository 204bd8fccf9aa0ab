using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Connection = SriovForwarder.Api.Nsm.Connection.Connection;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains.Tests.Storage;

/// <summary>
/// An upgrade to decision 046 over state the release before it left: the files in <c>Storage/Legacy</c> are real, copied
/// byte for byte from a state folder that release wrote (the endpoint benchmark's NOOP connections and a start-up's token
/// ids, 2026-12-07 11:21–11:25 UTC): a snapshot file of an established connection, the first three records of a journal
/// (one connection's intent, checkpoint and established state) and the node's token ids. Each must read after the upgrade,
/// and what the new release writes next must be in the new format and survive a kill.
/// </summary>
public sealed class LegacyStateUpgradeTests : IDisposable
{
    private const string LegacySnapshot = "bench-node_c-6560-952b9ca6.connection.json";
    private const string LegacyJournal = "00000000000000000001.journal";
    private const string LegacyTokenIds = "startup-bench.tokenids.json";

    private readonly string _root = Directory.CreateTempSubdirectory("sriov-upgrade-").FullName;
    private readonly NodeStateSerializer _serializer = new(NodeStateSerializerTests.LegacySerializer());

    private string JournalFolder => Path.Combine(_root, "journal");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task SnapshotFileOfThePreviousRelease_ReadsAfterTheUpgrade()
    {
        Place(LegacySnapshot, "connection");
        using var storage = Start();

        var read = await ReadAsync(storage, GrainId.Create("connection", "bench-node/c-6560"));

        Assert.Equal((true, "3", ConnectionIntent.None), (read.State!.Established, read.ETag, read.State!.Intent));
        Assert.Equal("unix:///tmp/endpoint-bench-OPy2Rh/nse.sock", read.State!.NextHopUrl);
        Assert.Equal("c-6560", Connection.Parser.ParseFrom(read.State!.LastConnection!).Id);
        Assert.NotNull(read.State!.LastRequest);
        Assert.NotNull(read.State!.NextHopMechanism);
    }

    [Fact]
    public async Task JournalOfThePreviousRelease_IsReplayedAfterTheUpgrade_AndTheNextWriteIsInTheNewFormatAndSurvivesAKill()
    {
        Place(LegacyJournal, "journal");
        var grain = GrainId.Create("connection", "bench-node/c-1");
        using var upgraded = Start();

        var read = await ReadAsync(upgraded, grain);
        Assert.Equal((true, "3"), (read.State!.Established, read.ETag));
        Assert.Equal("c-1", Connection.Parser.ParseFrom(read.State!.LastConnection!).Id);
        Assert.False(NodeStateSerializer.IsCurrentFormat(Files().ReadStored("connection", grain)!.Value.Payload), "the replay keeps the record's bytes");

        read.State!.Intent = ConnectionIntent.Close;
        await upgraded.WriteStateAsync("connection", grain, read);
        var records = GrainStateJournal.Read(upgraded.Journal.CurrentPath, out var dropped);
        Assert.Equal(0, dropped);
        Assert.True(NodeStateSerializer.IsCurrentFormat(Assert.Single(records).Payload));

        using var afterKill = Start();
        var again = await ReadAsync(afterKill, grain);
        Assert.Equal((true, ConnectionIntent.Close, "4"), (again.State!.Established, again.State!.Intent, again.ETag));
        Assert.Equal(read.State!.LastConnection, again.State!.LastConnection);
        Assert.True(NodeStateSerializer.IsCurrentFormat(Files().ReadStored("connection", grain)!.Value.Payload));
        Assert.Null(StateFileCheck.FindUnreadable(_root));
    }

    [Fact]
    public async Task TokenIdsFileOfThePreviousRelease_ReadsAfterTheUpgrade()
    {
        Place(LegacyTokenIds, "node");
        var read = new GrainState<NodeTokenIdsState>();

        await Files().ReadStateAsync("tokenids", GrainId.Create("node", "startup-bench"), read);

        Assert.Equal(48, read.State!.TokenIds.Count);
        Assert.Equal("sriov-9546c724-7a5d-4e2a-b811-d3f0deb64a87", read.State!.TokenIds[0]);
        Assert.Equal("sriov-e72ca90a-6e76-48e6-8242-f3e62963ee03", read.State!.TokenIds[^1]);
    }

    [Fact]
    public void StateFileCheck_FilesOfThePreviousRelease_FindsNothingWrong()
    {
        Place(LegacySnapshot, "connection");
        Place(LegacyTokenIds, "node");

        Assert.Null(StateFileCheck.FindUnreadable(_root));
    }

    private void Place(string sample, string folder)
    {
        Directory.CreateDirectory(Path.Combine(_root, folder));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Storage", "Legacy", sample), Path.Combine(_root, folder, sample));
    }

    private JournaledGrainStorage Start() => new(Files(), _serializer, JournalFolder, NullLogger<JournaledGrainStorage>.Instance);

    private FileGrainStorage Files() =>
        new(Options.Create(new FileGrainStorageOptions { RootPath = _root }), _serializer, NullLogger<FileGrainStorage>.Instance);

    private static async Task<GrainState<ConnectionState>> ReadAsync(IGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<ConnectionState>();
        await storage.ReadStateAsync("connection", grain, state);
        return state;
    }
}
