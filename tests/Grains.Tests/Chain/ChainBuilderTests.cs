using SriovForwarder.Grains.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class ChainBuilderTests
{
    [Fact]
    public async Task Build_ThreeElements_RunsPreWorkInOrderAndPostWorkInReverse()
    {
        var journal = new List<string>();
        var chain = ChainBuilder.Build([new RecordingElement("a", journal), new RecordingElement("b", journal), new RecordingElement("c", journal)]);

        await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), ChainTestData.Context());

        Assert.Equal(["a:request", "b:request", "c:request", "c:request-done", "b:request-done", "a:request-done"], journal);
    }

    [Fact]
    public async Task Build_ElementFails_LaterElementsAreNotCalled()
    {
        var journal = new List<string>();
        var after = new CountingElement();
        var chain = ChainBuilder.Build([new RecordingElement("a", journal), new FailingElement(new InvalidOperationException("boom")), after]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), ChainTestData.Context()));

        Assert.Equal(0, after.RequestCount);
    }

    [Fact]
    public async Task ChainSegment_ContinuesWithOuterNext_SoSegmentPostWorkRunsAfterIt()
    {
        var journal = new List<string>();
        var segment = new ChainSegment(new RecordingElement("s1", journal), new RecordingElement("s2", journal));
        var chain = ChainBuilder.Build([segment, new RecordingElement("after", journal)]);

        await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), ChainTestData.Context());

        Assert.Equal(["s1:request", "s2:request", "after:request", "after:request-done", "s2:request-done", "s1:request-done"], journal);
    }
}
