using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>
/// The caller's deadline and cancellation cross the Orleans call into the connection grain and reach the next hop; a
/// caller that gives up while the next hop hangs leaves nothing held; a next hop's refusal keeps its code.
/// </summary>
[Collection(ConnectionClusterCollection.Name)]
public sealed class ConnectionDeadlineTests(ConnectionClusterFixture fixture)
{
    private readonly string _id = Guid.NewGuid().ToString();
    private readonly string _token = "sriov-" + Guid.NewGuid().ToString();

    private IConnectionGrain Grain => fixture.Grains.GetGrain<IConnectionGrain>(NodeKeys.For(ConnectionClusterFixture.Node, _id));

    [Fact]
    public async Task Request_CallerDeadline_ReachesTheNextHopThroughTheGrainCall()
    {
        var deadline = DateTime.UtcNow.AddSeconds(42);

        using (CallDeadline.Use(deadline))
        {
            await Grain.RequestAsync(Request());
        }

        Assert.Equal(deadline, fixture.NextHop.Deadlines[_id]);
    }

    [Fact]
    public async Task Request_CallerWithoutDeadline_LeavesTheNextHopClientToItsCallTimeout()
    {
        using (CallDeadline.Use(DateTime.MaxValue))
        {
            await Grain.RequestAsync(Request());
        }

        Assert.Null(fixture.NextHop.Deadlines[_id]);
    }

    [Fact]
    public async Task Request_CallerGivesUpWhileTheNextHopHangs_CancelsTheNextHopAndFreesTheVfAndTheCgroupGrants()
    {
        using var giveUp = new CancellationTokenSource();
        var request = Request();
        request.Connection.Labels["nse"] = "hang";

        var call = Grain.RequestAsync(request, giveUp.Token);
        await GiveUpAtTheNextHopAsync(giveUp);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Eventually.TrueAsync(() => !fixture.Pool.Reserved.ContainsKey(_id) && fixture.NextHop.Cancelled.Contains(_id), "the connection to release its VF and the next hop call to be cancelled");

        Assert.Null(await Grain.GetAsync());
        var grants = fixture.Cgroups.Log.ToList().Where(l => l.Contains(_id, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(grants);
        Assert.Equal(grants.Count(l => l.StartsWith("allow", StringComparison.Ordinal)), grants.Count(l => l.StartsWith("deny", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Request_CallerGivesUpAndAnOperationCanceledExceptionEndsTheChain_RollsBackLikeAnyFailure()
    {
        using var giveUp = new CancellationTokenSource();
        var request = Request();
        request.Connection.Labels["nse"] = "hang-raw";

        var call = Grain.RequestAsync(request, giveUp.Token);
        await GiveUpAtTheNextHopAsync(giveUp);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Eventually.TrueAsync(() => !fixture.Pool.Reserved.ContainsKey(_id) && fixture.NextHop.Cancelled.Contains(_id), "the rollback to release the VF and cancel the next hop");

        Assert.Null(await Grain.GetAsync());
        var grants = fixture.Cgroups.Log.ToList().Where(l => l.Contains(_id, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(grants);
        Assert.Equal(grants.Count(l => l.StartsWith("allow", StringComparison.Ordinal)), grants.Count(l => l.StartsWith("deny", StringComparison.Ordinal)));
        Assert.DoesNotContain(fixture.Events.Events, e => e.Connection.Id == _id);
    }

    [Theory]
    [InlineData(ForwarderErrorCode.PermissionDenied)]
    [InlineData(ForwarderErrorCode.ResourceExhausted)]
    [InlineData(ForwarderErrorCode.NotFound)]
    [InlineData(ForwarderErrorCode.Unauthenticated)]
    public async Task Request_NextHopRefuses_FailsWithTheNextHopsCodeAndFreesTheVf(ForwarderErrorCode refusal)
    {
        var request = Request();
        request.Connection.Labels["nse"] = refusal.ToString();

        var error = await Assert.ThrowsAsync<ForwarderException>(() => Grain.RequestAsync(request));

        Assert.Equal(refusal, error.Code);
        Assert.Contains("stand-in refuses", error.Message, StringComparison.Ordinal);
        Assert.False(fixture.Pool.Reserved.ContainsKey(_id));
    }

    // The caller gives up once the next hop holds the call: a timer started with the call (300 ms here before) can fire
    // before a loaded machine has reserved, granted and reached the next hop, and then nothing hangs there to cancel.
    private async Task GiveUpAtTheNextHopAsync(CancellationTokenSource giveUp)
    {
        await Eventually.TrueAsync(() => fixture.NextHop.Deadlines.ContainsKey(_id), "the Request to reach the hanging next hop");
        await giveUp.CancelAsync();
    }

    private NetworkServiceRequest Request()
    {
        var request = new NetworkServiceRequest
        {
            Connection = new Connection { Id = _id, NetworkService = "sriov-ns", NetworkServiceEndpointName = "nse-1" },
        };
        request.MechanismPreferences.Add(ChainTestData.Vfio(_token, $"kubepods/{_id}/*"));
        return request;
    }
}
