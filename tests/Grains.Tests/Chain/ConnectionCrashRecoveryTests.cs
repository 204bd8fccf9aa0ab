using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>
/// The connection grain settles the state a killed process left (decision 007): each test writes the state the previous
/// process had written at one crash point, into the silo's own storage, then lets the grain activate and reconcile.
/// </summary>
[Collection(ConnectionClusterCollection.Name)]
public sealed class ConnectionCrashRecoveryTests(ConnectionClusterFixture fixture)
{
    private readonly string _id = Guid.NewGuid().ToString();
    private readonly string _token = "sriov-" + Guid.NewGuid().ToString();

    private IConnectionGrain Grain => fixture.Grains.GetGrain<IConnectionGrain>(NodeKeys.For(ConnectionClusterFixture.Node, _id));

    [Fact]
    public async Task Reconcile_KilledAfterTheVfioIntentBeforeItsGrantsWereRecorded_DeniesThePlannedDevicesReleasesTheVfAndClosesTheNextHop()
    {
        var reservation = await fixture.Pool.ReserveAsync(ConnectionClusterFixture.Node, new ReserveRequest(_id, _token, VfDriver.VfioPci));
        var cgroup = $"kubepods/{_id}";
        // The previous process may have allowed the devices before it died; this one never counted them.
        await WriteLeftoverAsync(new ConnectionState
        {
            Intent = ConnectionIntent.Request,
            LastRequest = NsmgrRequest().ToByteArray(),
            Vf = Holding(reservation, VfDriver.VfioPci),
            Vfio = new VfioGrantRecord
            {
                CgroupDir = cgroup + "/*",
                Planned = [new PersistedDeviceGrant { CgroupPath = cgroup + "/*", Major = 10, Minor = 196 }],
            },
            NextHopUrl = "unix:///nse-1.sock",
        });

        var check = await Grain.ReconcileAsync();

        Assert.Equal(ConnectionCheckOutcome.RolledBack, check.Outcome);
        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
        Assert.DoesNotContain(fixture.Cgroups.Held.Keys, g => g.CgroupPath.StartsWith(cgroup, StringComparison.Ordinal));
        Assert.Contains($"deny {new DeviceGrant(cgroup + "/c1", new DeviceNumber(10, 196))}", fixture.Cgroups.Log);
        Assert.Contains(fixture.NextHop.Closes, c => c.Url == "unix:///nse-1.sock" && c.Connection.Id == _id);
        Assert.Null(await Grain.GetAsync());
    }

    [Fact]
    public async Task Reconcile_KilledAfterTheNodeReservedBeforeTheConnectionRecordedIt_ReleasesTheReservation()
    {
        await fixture.Pool.ReserveAsync(ConnectionClusterFixture.Node, new ReserveRequest(_id, _token, VfDriver.VfioPci));
        await WriteLeftoverAsync(new ConnectionState { Intent = ConnectionIntent.Request, LastRequest = NsmgrRequest().ToByteArray() });

        var check = await Grain.ReconcileAsync();

        Assert.Equal(ConnectionCheckOutcome.RolledBack, check.Outcome);
        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
    }

    [Fact]
    public async Task Request_RetryOfARequestCutShort_UndoesTheLeftoverFirstThenSucceeds()
    {
        await fixture.Pool.ReserveAsync(ConnectionClusterFixture.Node, new ReserveRequest(_id, _token, VfDriver.VfioPci));
        await WriteLeftoverAsync(new ConnectionState { Intent = ConnectionIntent.Request, LastRequest = NsmgrRequest().ToByteArray() });

        var connection = await Grain.RequestAsync(NsmgrRequest());

        Assert.Equal(fixture.Pool.Reserved[_id].VfAddress, connection.Mechanism.Parameters["pciAddress"]);
        Assert.NotNull(await Grain.GetAsync());
        await Grain.CloseAsync(connection);
        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
    }

    [Fact]
    public async Task Reconcile_EstablishedConnection_IsLiveHoldsItsVfAndIsPublishedForMonitors()
    {
        var connection = await Grain.RequestAsync(NsmgrRequest());
        await fixture.Cluster.DeactivateAsync(Grain);
        var published = fixture.Events.Events.Count;

        var check = await Grain.ReconcileAsync();

        Assert.Equal(ConnectionCheckOutcome.Live, check.Outcome);
        Assert.Equal(connection.Mechanism.Parameters["pciAddress"], check.Vf?.VfAddress);
        var republished = fixture.Events.Events.Skip(published).Select(e => e.Connection).ToList();
        Assert.Contains(republished, c => c.Id == _id && c.Path.PathSegments[(int)c.Path.Index].Name == ConnectionClusterFixture.ForwarderName);
        await Grain.CloseAsync(connection);
    }

    [Fact]
    public async Task Reconcile_ClientCgroupsRemoved_ClosesTheConnectionAtOnceAndFreesTheVf()
    {
        var connection = await Grain.RequestAsync(NsmgrRequest());
        fixture.Cgroups.Removed.Add($"kubepods/{_id}/c1");

        var check = await Grain.ReconcileAsync();

        Assert.Equal(ConnectionCheckOutcome.ClientGone, check.Outcome);
        Assert.Contains($"kubepods/{_id}/c1", check.Reason, StringComparison.Ordinal);
        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
        Assert.Null(await Grain.GetAsync());
        Assert.NotNull(connection);
    }

    [Fact]
    public async Task Reconcile_KilledInTheMiddleOfAClose_FinishesTheClose()
    {
        var connection = await Grain.RequestAsync(NsmgrRequest());
        await fixture.Cluster.DeactivateAsync(Grain);
        // The previous process wrote its Close intent and released the VF, then died.
        var storage = Storage();
        var state = new GrainState<ConnectionState>();
        await storage.ReadStateAsync("connection", Grain.GetGrainId(), state);
        state.State!.Intent = ConnectionIntent.Close;
        await storage.WriteStateAsync("connection", Grain.GetGrainId(), state);
        await fixture.Pool.ReleaseAsync(ConnectionClusterFixture.Node, _id);

        var check = await Grain.ReconcileAsync();

        Assert.Equal(ConnectionCheckOutcome.RolledBack, check.Outcome);
        Assert.DoesNotContain(fixture.Cgroups.Held.Keys, g => g.CgroupPath.StartsWith($"kubepods/{_id}", StringComparison.Ordinal));
        Assert.Null(await Grain.GetAsync());
        Assert.NotNull(connection);
    }

    [Fact]
    public async Task NodeReconciler_FindsEveryPersistedConnectionOfTheNodeByItsStateFile()
    {
        await WriteLeftoverAsync(new ConnectionState { Intent = ConnectionIntent.Request, LastRequest = NsmgrRequest().ToByteArray() });
        var keys = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IPersistedGrainKeys>();

        var listed = keys.ListKeys(Grain.GetGrainId().Type, "connection");

        Assert.Contains(NodeKeys.For(ConnectionClusterFixture.Node, _id), listed);
        Assert.NotNull(fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<NodeReconciler>());
    }

    private IGrainStorage Storage() =>
        fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(FileGrainStorageExtensions.NodeJournalStorage);

    private Task WriteLeftoverAsync(ConnectionState state) =>
        Storage().WriteStateAsync("connection", Grain.GetGrainId(), new GrainState<ConnectionState> { State = state });

    private static VfHolding Holding(VfReservation reservation, VfDriver driver) => new()
    {
        TokenId = reservation.TokenId,
        PfAddress = reservation.PfAddress,
        VfAddress = reservation.VfAddress,
        VfNumber = reservation.VfNumber,
        IommuGroup = reservation.IommuGroup,
        Driver = driver,
    };

    private NetworkServiceRequest NsmgrRequest() =>
        NsmgrRequests.Create(_id, fixture.Time.GetUtcNow() + TimeSpan.FromHours(1), ChainTestData.Vfio(_token, $"kubepods/{_id}/*"),
            new PathSegment { Name = ConnectionClusterFixture.ForwarderName, Id = _id });
}
