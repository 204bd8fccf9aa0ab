using SriovForwarder.Api.Nsm.Connection;
using Path = SriovForwarder.Api.Nsm.Connection.Path;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class UpdatePathElementTests
{
    [Fact]
    public async Task Request_NoPath_AddsOurSegmentWithTheGrainId()
    {
        var journal = new List<string>();
        var probe = new RecordingElement("probe", journal);
        var context = ChainTestData.Context("fwd-1");
        var chain = ChainBuilder.Build([new UpdatePathElement("forwarder"), probe]);

        var result = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), context);

        var seen = probe.Requests.Single().Connection;
        Assert.Equal("fwd-1", seen.Id);
        Assert.Equal(0u, seen.Path.Index);
        Assert.Equal(("forwarder", "fwd-1"), (seen.Path.PathSegments[0].Name, seen.Path.PathSegments[0].Id));
        Assert.Equal("fwd-1", result.Id);
    }

    [Fact]
    public async Task Request_FromNsmgr_NextSeesOurSegmentAndCallerGetsItsCoordinates()
    {
        var probe = new RecordingElement("probe", []);
        var chain = ChainBuilder.Build([new UpdatePathElement("forwarder"), probe]);
        var request = ChainTestData.Request(ChainTestData.Noop());
        request.Connection.Id = "mgr-id";
        request.Connection.Path = new Path
        {
            Index = 1,
            PathSegments = { new PathSegment { Name = "nsc", Id = "nsc-id" }, new PathSegment { Name = "nsmgr", Id = "mgr-id" } },
        };

        var result = await chain.RequestAsync(request, ChainTestData.Context("fwd-1"));

        var seen = probe.Requests.Single().Connection;
        Assert.Equal((2u, "fwd-1"), (seen.Path.Index, seen.Id));
        Assert.Equal(["nsc", "nsmgr", "forwarder"], seen.Path.PathSegments.Select(s => s.Name));
        Assert.Equal((1u, "mgr-id"), (result.Path.Index, result.Id));
        Assert.Equal("fwd-1", ForwarderPath.SegmentIdOf(result, "forwarder"));
    }

    [Fact]
    public async Task Request_IdNotMatchingCurrentSegment_FailsNamingBothIds()
    {
        var chain = ChainBuilder.Build([new UpdatePathElement("forwarder")]);
        var request = ChainTestData.Request(ChainTestData.Noop());
        request.Connection.Id = "other";
        request.Connection.Path = new Path { Index = 0, PathSegments = { new PathSegment { Name = "nsmgr", Id = "mgr-id" } } };

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(request, ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Contains("\"mgr-id\" should be equal Connection.Id==\"other\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_IndexBeyondPath_FailsAsMalformedPath()
    {
        var chain = ChainBuilder.Build([new UpdatePathElement("forwarder")]);
        var request = ChainTestData.Request(ChainTestData.Noop());
        request.Connection.Path = new Path { Index = 3, PathSegments = { new PathSegment { Name = "nsmgr", Id = "x" } } };

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(request, ChainTestData.Context()));

        Assert.Contains("connection.path is malformed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SegmentIdOf_Refresh_FindsOurExistingSegment()
    {
        var connection = new Connection
        {
            Id = "mgr-id",
            Path = new Path { Index = 1, PathSegments = { new PathSegment { Name = "nsc", Id = "a" }, new PathSegment { Name = "nsmgr", Id = "mgr-id" }, new PathSegment { Name = "forwarder", Id = "fwd-7" } } },
        };

        Assert.Equal("fwd-7", ForwarderPath.SegmentIdOf(connection, "forwarder"));
        Assert.Null(ForwarderPath.SegmentIdOf(connection, "another-forwarder"));
    }
}
