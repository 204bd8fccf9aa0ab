using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

public sealed class ConnectAndMonitorTests
{
    [Theory]
    [InlineData("unix:///run/nse.sock", "LOCAL")]
    [InlineData("tcp://10.0.0.2:5002", "REMOTE")]
    public async Task Connect_Request_OffersOnlyNoopOfTheUrlsClassAndReturnsOurMechanism(string url, string cls)
    {
        var nextHop = new FakeNextHop();
        var context = ChainTestData.Context();
        context.ClientUrl = url;
        var request = ChainTestData.Request(ChainTestData.Vfio());
        request.Connection.Mechanism = ChainTestData.Vfio();
        request.Connection.Mechanism.Parameters["pciAddress"] = "0000:00:02.1";

        var result = await ChainBuilder.Build([new ConnectElement(nextHop, NullLogger<ConnectElement>.Instance)]).RequestAsync(request, context);

        var (sentUrl, sent) = Assert.Single(nextHop.Requests);
        Assert.Equal(url, sentUrl);
        var preference = Assert.Single(sent.MechanismPreferences);
        Assert.Equal(("NOOP", cls), (preference.Type, preference.Cls));
        Assert.Null(sent.Connection.Mechanism);
        Assert.Equal(("VFIO", "0000:00:02.1"), (result.Mechanism.Type, result.Mechanism.Parameters["pciAddress"]));
        Assert.Equal(1500u, result.Context.MTU);
        Assert.Equal(url, context.State.NextHopUrl);
    }

    [Fact]
    public async Task Connect_Close_SendsTheNextHopsMechanismToItsUrl()
    {
        var nextHop = new FakeNextHop();
        var context = ChainTestData.Context();
        context.ClientUrl = "unix:///run/nse.sock";
        var chain = ChainBuilder.Build([new ConnectElement(nextHop, NullLogger<ConnectElement>.Instance)]);
        var result = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), context);

        await chain.CloseAsync(result, new ChainContext(context.Node, context.ConnectionId, context.State));

        var (url, closed) = Assert.Single(nextHop.Closes);
        Assert.Equal("unix:///run/nse.sock", url);
        Assert.Equal(("NOOP", "yes"), (closed.Mechanism.Type, closed.Mechanism.Parameters["nexthop"]));
        Assert.Null(context.State.NextHopUrl);
    }

    [Fact]
    public async Task Connect_CloseWithNextHopDown_StillClosesTheRestAndReportsUnavailable()
    {
        var nextHop = new FakeNextHop();
        var context = ChainTestData.Context();
        context.ClientUrl = "unix:///run/nse.sock";
        var after = new CountingElement();
        var chain = ChainBuilder.Build([new ConnectElement(nextHop, NullLogger<ConnectElement>.Instance), after]);
        var result = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), context);
        nextHop.Down.Add("unix:///run/nse.sock");

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.CloseAsync(result, context));

        Assert.Equal(ForwarderErrorCode.Unavailable, error.Code);
        Assert.StartsWith("errors during client close:", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, after.CloseCount);
    }

    [Fact]
    public async Task Monitor_RequestThenClose_PublishesUpdateThenDelete()
    {
        var sink = new RecordingSink();
        var context = ChainTestData.Context();
        var chain = ChainBuilder.Build([new MonitorElement(sink)]);

        var result = await chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), context);
        await chain.CloseAsync(result, context);

        Assert.Equal([ConnectionEventType.Update, ConnectionEventType.Delete], sink.Events.Select(e => e.Type));
        Assert.Equal(State.Up, sink.Events.First().Connection.State);
    }

    [Fact]
    public async Task Monitor_FailedRefresh_PublishesDown()
    {
        var sink = new RecordingSink();
        var context = ChainTestData.Context();
        context.State.Established = true;
        var chain = ChainBuilder.Build([new MonitorElement(sink), new FailingElement(new InvalidOperationException("x"))]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => chain.RequestAsync(ChainTestData.Request(ChainTestData.Noop()), context));

        var (type, connection) = Assert.Single(sink.Events);
        Assert.Equal((ConnectionEventType.Update, State.Down), (type, connection.State));
    }
}
