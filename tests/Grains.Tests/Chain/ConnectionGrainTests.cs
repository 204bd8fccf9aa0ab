using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

[Collection(ConnectionClusterCollection.Name)]
public sealed class ConnectionGrainTests(ConnectionClusterFixture fixture)
{
    private readonly string _id = Guid.NewGuid().ToString();
    private readonly string _token = "sriov-" + Guid.NewGuid().ToString();

    private IConnectionGrain Grain => fixture.Grains.GetGrain<IConnectionGrain>(NodeKeys.For(ConnectionClusterFixture.Node, _id));

    [Fact]
    public async Task Request_FirstVfio_ReturnsVfioParametersInCallerCoordinates()
    {
        var result = await Grain.RequestAsync(NsmgrRequest());

        Assert.Equal((1u, "mgr-" + _id), (result.Path.Index, result.Id));
        Assert.Equal(_id, result.Path.PathSegments[2].Id);
        Assert.Equal(State.Up, result.State);
        var p = result.Mechanism.Parameters;
        Assert.Equal(fixture.Pool.Reserved[_id].VfAddress, p["pciAddress"]);
        Assert.Equal(("10", "196"), (p["vfioMajor"], p["vfioMinor"]));
        Assert.NotNull(await Grain.GetAsync());
    }

    [Fact]
    public async Task Request_Refresh_KeepsTheSameVfWithoutReservingAgain()
    {
        var first = await Grain.RequestAsync(NsmgrRequest());
        var reserves = fixture.Pool.ReserveCount;

        var refreshed = await Grain.RequestAsync(new NetworkServiceRequest { Connection = first });

        Assert.Equal(first.Mechanism.Parameters["pciAddress"], refreshed.Mechanism.Parameters["pciAddress"]);
        Assert.Equal(reserves, fixture.Pool.ReserveCount);
    }

    [Fact]
    public async Task Request_RefreshAfterDeactivation_RecognisesTheConnectionFromPersistedState()
    {
        var first = await Grain.RequestAsync(NsmgrRequest());
        await fixture.Cluster.DeactivateAsync(Grain);
        var reserves = fixture.Pool.ReserveCount;

        var refreshed = await Grain.RequestAsync(new NetworkServiceRequest { Connection = first });

        Assert.Equal(first.Mechanism.Parameters["pciAddress"], refreshed.Mechanism.Parameters["pciAddress"]);
        Assert.Equal(reserves, fixture.Pool.ReserveCount);
    }

    [Fact]
    public async Task Close_AfterDeactivation_FreesTheVfDeniesDevicesAndClosesTheNextHop()
    {
        var first = await Grain.RequestAsync(NsmgrRequest());
        await fixture.Cluster.DeactivateAsync(Grain);

        await Grain.CloseAsync(first);

        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
        Assert.DoesNotContain(fixture.Cgroups.Held.Keys, g => g.CgroupPath.Contains(_id, StringComparison.Ordinal));
        Assert.Contains(fixture.NextHop.Closes, c => c.Connection.Path.PathSegments.Any(s => s.Id == _id));
        Assert.Null(await Grain.GetAsync());
        Assert.Contains(fixture.Events.Events, e => e.Type == ConnectionEventType.Delete && e.Connection.Id == _id);
    }

    [Fact]
    public async Task Request_NextHopDown_FreesTheVfAndLeavesNoConnection()
    {
        var request = NsmgrRequest();
        request.Connection.NetworkServiceEndpointName = "nse-down";

        var error = await Assert.ThrowsAsync<ForwarderException>(() => Grain.RequestAsync(request));

        Assert.Equal(ForwarderErrorCode.NotFound, error.Code);
        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
        Assert.Null(await Grain.GetAsync());
    }

    [Fact]
    public async Task Request_BadToken_FailsInvalidArgumentBeforeReserving()
    {
        var request = NsmgrRequest();
        request.MechanismPreferences[0].Parameters["tokenID"] = "sriov-short";

        var error = await Assert.ThrowsAsync<ForwarderException>(() => Grain.RequestAsync(request));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Contains("sriov-short", error.Message, StringComparison.Ordinal);
        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
    }

    [Fact]
    public async Task Close_UnknownConnection_DoesNothing()
    {
        await Grain.CloseAsync(new Connection { Id = _id });

        Assert.Null(await Grain.GetAsync());
    }

    [Fact]
    public async Task Expiry_CallerTokenExpiresWithoutRefresh_ClosesTheConnectionAndFreesTheVf()
    {
        await Grain.RequestAsync(NsmgrRequest(TimeSpan.FromMinutes(1)));

        fixture.Time.Advance(TimeSpan.FromMinutes(2));

        // The expiry timer fires on the fake clock's advance but closes on the grain's own turn: waited for (5 s before, short
        // for a loaded machine), with the default patience.
        await Eventually.TrueAsync(() => !fixture.Pool.Reserved.ContainsKey(_id), "the expired connection to release its VF");
        Assert.Null(await Grain.GetAsync());
    }

    private NetworkServiceRequest NsmgrRequest(TimeSpan? lifetime = null) =>
        NsmgrRequests.Create(_id, fixture.Time.GetUtcNow() + (lifetime ?? TimeSpan.FromHours(1)), ChainTestData.Vfio(_token, $"kubepods/{_id}/*"));
}
