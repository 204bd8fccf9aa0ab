using SriovForwarder.Gateway.DevicePlugin;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>The two-poll grace of the tracker, for tokens it tracked itself and for tokens only the node grain knew.</summary>
public sealed class AllocatedTokenTrackerTests
{
    private const string Resource = "service.domain.1/intel";
    private static readonly Dictionary<string, IReadOnlyList<string>> Nothing = [];

    [Fact]
    public void Reconcile_AllocatedOnTheNodeButNeitherTrackedNorListed_DueOnTheSecondPollOnly()
    {
        var tracker = new AllocatedTokenTracker();
        var allocated = new Dictionary<string, IReadOnlyList<string>> { [Resource] = ["t-1", "t-2"] };

        var first = tracker.Reconcile(Nothing, allocated);
        var second = tracker.Reconcile(Nothing, allocated);

        Assert.Empty(first);
        Assert.Equal(["t-1", "t-2"], second.Select(t => t.TokenId).Order());
        Assert.All(second, t => Assert.Equal(Resource, t.ResourceName));
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void Reconcile_AllocatedOnTheNodeAndListed_KeptAndGivenAFullGraceOnceUnlisted()
    {
        var tracker = new AllocatedTokenTracker();
        var allocated = new Dictionary<string, IReadOnlyList<string>> { [Resource] = ["t-1"] };

        Assert.Empty(tracker.Reconcile(allocated, allocated));
        Assert.Empty(tracker.Reconcile(allocated, allocated));
        Assert.Empty(tracker.Reconcile(Nothing, allocated));
        var due = tracker.Reconcile(Nothing, allocated);

        Assert.Equal("t-1", Assert.Single(due).TokenId);
    }

    [Fact]
    public void Reconcile_TokenDueWhileTheNodeStillListsIt_NotTrackedAgainOnceFreed()
    {
        var tracker = new AllocatedTokenTracker();
        tracker.Track(Resource, ["t-1"]);
        var allocated = new Dictionary<string, IReadOnlyList<string>> { [Resource] = ["t-1"] };

        Assert.Empty(tracker.Reconcile(Nothing, allocated));
        // The node's answer was read before this poll frees the token: it still names it.
        Assert.Single(tracker.Reconcile(Nothing, allocated));
        var afterFreed = tracker.Reconcile(Nothing, Nothing);

        Assert.Empty(afterFreed);
        Assert.False(tracker.Contains("t-1"));
    }

    [Fact]
    public void Reconcile_ListedUnderAnotherResource_CountsAsMissing()
    {
        var tracker = new AllocatedTokenTracker();
        tracker.Track(Resource, ["t-1"]);
        var elsewhere = new Dictionary<string, IReadOnlyList<string>> { ["service.domain.1/10G"] = ["t-1"] };

        Assert.Empty(tracker.Reconcile(elsewhere, Nothing));
        Assert.Single(tracker.Reconcile(elsewhere, Nothing));
    }
}
