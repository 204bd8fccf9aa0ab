using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces.Chain;
using Path = SriovForwarder.Api.Nsm.Connection.Path;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>A retry of an unanswered Request reaches the same connection: our new segment's id follows the caller's.</summary>
public sealed class ForwarderPathSegmentIdTests
{
    [Fact]
    public void NewSegmentId_SameCallerSegment_IsTheSameIdEveryTime()
    {
        var first = ForwarderPath.NewSegmentId(FromNsmgr("mgr-1"), "forwarder");
        var retry = ForwarderPath.NewSegmentId(FromNsmgr("mgr-1"), "forwarder");

        Assert.Equal(first, retry);
        Assert.True(Guid.TryParse(first, out var guid));
        Assert.Equal(8, guid.Version);
    }

    [Fact]
    public void NewSegmentId_OtherCallerOrOtherForwarderName_DiffersFromIt()
    {
        var id = ForwarderPath.NewSegmentId(FromNsmgr("mgr-1"), "forwarder");

        Assert.NotEqual(id, ForwarderPath.NewSegmentId(FromNsmgr("mgr-2"), "forwarder"));
        Assert.NotEqual(id, ForwarderPath.NewSegmentId(FromNsmgr("mgr-1"), "forwarder-b"));
    }

    [Fact]
    public void NewSegmentId_CallerWithoutAnyId_IsAFreshRandomId()
    {
        var anonymous = new Connection();

        Assert.NotEqual(ForwarderPath.NewSegmentId(anonymous, "forwarder"), ForwarderPath.NewSegmentId(anonymous, "forwarder"));
    }

    private static Connection FromNsmgr(string nsmgrSegment) => new()
    {
        Id = nsmgrSegment,
        Path = new Path
        {
            Index = 1,
            PathSegments = { new PathSegment { Name = "nsc", Id = "nsc-x" }, new PathSegment { Name = "nsmgr", Id = nsmgrSegment } },
        },
    };
}
