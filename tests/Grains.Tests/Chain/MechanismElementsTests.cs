using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class MechanismElementsTests
{
    [Fact]
    public async Task Mechanisms_FirstPreferenceFails_SecondPreferenceServes()
    {
        var vfio = new FailingElement(new ForwarderException(ForwarderErrorCode.ResourceExhausted, "no free VF"));
        var noop = new CountingElement();
        var downstream = new RecordingElement("down", []);
        var chain = ChainBuilder.Build([Switch(vfio, noop), downstream]);

        var result = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Vfio(), ChainTestData.Noop()), ChainTestData.Context());

        Assert.Equal((1, 1), (vfio.RequestCount, noop.RequestCount));
        Assert.Equal("NOOP", downstream.Requests.Single().Connection.Mechanism.Type);
        Assert.Equal("NOOP", result.Mechanism.Type);
    }

    [Fact]
    public async Task Mechanisms_OnlyPreferenceFails_KeepsItsErrorCode()
    {
        var vfio = new FailingElement(new ForwarderException(ForwarderErrorCode.ResourceExhausted, "no free VF"));
        var chain = ChainBuilder.Build([Switch(vfio, new CountingElement())]);

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.RequestAsync(ChainTestData.Request(ChainTestData.Vfio()), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.ResourceExhausted, error.Code);
    }

    [Fact]
    public async Task ResetMechanism_SameMechanismTwice_BranchRunsOnceDownstreamTwice()
    {
        var branch = new CountingElement();
        var downstream = new CountingElement();
        var context = ChainTestData.Context();
        var chain = ChainBuilder.Build([new ResetMechanismElement(Switch(new CountingElement(), branch)), downstream]);

        var first = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), context);
        var refresh = ChainTestData.Request();
        refresh.Connection = first;
        await chain.RequestAsync(refresh, context);
        await chain.CloseAsync(first, context);

        Assert.Equal((1, 1), (branch.RequestCount, branch.CloseCount));
        Assert.Equal((2, 1), (downstream.RequestCount, downstream.CloseCount));
    }

    [Fact]
    public async Task ResetMechanism_MechanismChanges_ClosesOldBranchOnlyThenRunsNewOne()
    {
        var vfio = new CountingElement();
        var noop = new CountingElement();
        var downstream = new CountingElement();
        var context = ChainTestData.Context();
        var chain = ChainBuilder.Build([new ResetMechanismElement(Switch(vfio, noop)), downstream]);

        var first = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Vfio()), context);
        var change = ChainTestData.Request();
        change.Connection = first.Clone();
        change.Connection.Mechanism = ChainTestData.Noop();
        await chain.RequestAsync(change, context);

        Assert.Equal((1, 1), (vfio.RequestCount, vfio.CloseCount));
        Assert.Equal((1, 0), (noop.RequestCount, noop.CloseCount));
        Assert.Equal((2, 0), (downstream.RequestCount, downstream.CloseCount));
    }

    private static MechanismsElement Switch(IChainElement vfio, IChainElement noop) => new(new Dictionary<string, IChainElement>
    {
        ["VFIO"] = vfio,
        ["NOOP"] = noop,
    });
}
