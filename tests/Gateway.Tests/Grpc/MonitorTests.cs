using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using Path = SriovForwarder.Api.Nsm.Connection.Path;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Tests.Grpc;

public sealed class MonitorTests
{
    private static readonly Guid Epoch = Guid.NewGuid();

    [Fact]
    public async Task Feed_InitialTransfer_HoldsOnlyTheConnectionsInScope()
    {
        var feed = new ConnectionEventFeed(new MonitorScopeSelector { NetworkServices = { "ns-1" } });

        await feed.OnConnectionEventAsync(new ConnectionEventNotice(Epoch, 0, new ConnectionEvent
        {
            Type = ConnectionEventType.InitialStateTransfer,
            Connections = { ["a"] = Connection("a", "ns-1"), ["b"] = Connection("b", "ns-2") },
        }));

        var initial = await feed.Reader.ReadAsync();
        Assert.Equal(ConnectionEventType.InitialStateTransfer, initial.Type);
        Assert.Equal(["a"], initial.Connections.Keys);
    }

    [Fact]
    public async Task Feed_UpdateThenDelete_SubscriberSeesBothAndOutOfScopeEventsAreNotSent()
    {
        var feed = new ConnectionEventFeed(new MonitorScopeSelector { PathSegments = { new PathSegment { Name = "forwarder", Id = "a" } } });
        await feed.OnConnectionEventAsync(Initial(0));
        await feed.Reader.ReadAsync();

        await feed.OnConnectionEventAsync(Event(1, ConnectionEventType.Update, Connection("b", "ns-1")));
        await feed.OnConnectionEventAsync(Event(2, ConnectionEventType.Update, Connection("a", "ns-1")));
        await feed.OnConnectionEventAsync(Event(3, ConnectionEventType.Delete, Connection("a", "ns-1")));

        var update = await feed.Reader.ReadAsync();
        var delete = await feed.Reader.ReadAsync();
        Assert.Equal((ConnectionEventType.Update, "a"), (update.Type, update.Connections.Keys.Single()));
        Assert.Equal((ConnectionEventType.Delete, "a"), (delete.Type, delete.Connections.Keys.Single()));
        Assert.False(feed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Feed_EventsDeliveredOutOfOrder_AreQueuedInTheMonitorsOrderAfterTheInitialTransfer()
    {
        var feed = new ConnectionEventFeed(new MonitorScopeSelector());

        // Orleans may deliver one-way messages in any order: events before and after the snapshot, and gaps.
        await feed.OnConnectionEventAsync(Event(7, ConnectionEventType.Delete, Connection("a", "ns-1")));
        await feed.OnConnectionEventAsync(Event(5, ConnectionEventType.Update, Connection("a", "ns-1")));
        await feed.OnConnectionEventAsync(Initial(5));
        await feed.OnConnectionEventAsync(Event(6, ConnectionEventType.Update, Connection("b", "ns-1")));
        feed.Complete();

        var events = await feed.Reader.ReadAllAsync().ToListAsync();
        Assert.Equal(
            [(ConnectionEventType.InitialStateTransfer, ""), (ConnectionEventType.Update, "b"), (ConnectionEventType.Delete, "a")],
            events.Select(e => (e.Type, e.Connections.Keys.SingleOrDefault() ?? "")));
    }

    [Theory]
    [InlineData("nsmgr,forwarder", true)]
    [InlineData("nsc,forwarder", false)]
    [InlineData("forwarder,nse", true)]
    [InlineData("nse", true)]
    [InlineData("other", false)]
    public void ScopeSelector_PathSegments_MatchOnlyAContiguousRun(string names, bool expected)
    {
        var selector = new MonitorScopeSelector();
        selector.PathSegments.AddRange(names.Split(',').Select(n => new PathSegment { Name = n }));

        Assert.Equal(expected, ScopeSelector.Matches(selector, Connection("a", "ns-1")));
    }

    [Theory]
    [InlineData(ForwarderErrorCode.InvalidArgument, StatusCode.InvalidArgument)]
    [InlineData(ForwarderErrorCode.ResourceExhausted, StatusCode.ResourceExhausted)]
    [InlineData(ForwarderErrorCode.Unavailable, StatusCode.Unavailable)]
    [InlineData(ForwarderErrorCode.FailedPrecondition, StatusCode.FailedPrecondition)]
    public void ToRpcException_ForwarderError_KeepsTheMessageWithTheMatchingStatus(ForwarderErrorCode code, StatusCode status)
    {
        var rpc = GrpcErrors.ToRpcException(new ForwarderException(code, "cgroupDir \"../x\" contains \"..\""));

        Assert.Equal((status, "cgroupDir \"../x\" contains \"..\""), (rpc.StatusCode, rpc.Status.Detail));
    }

    private static ConnectionEventNotice Initial(long sequence) =>
        new(Epoch, sequence, new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer });

    private static ConnectionEventNotice Event(long sequence, ConnectionEventType type, Connection connection) =>
        new(Epoch, sequence, new ConnectionEvent { Type = type, Connections = { [connection.Id] = connection } });

    private static Connection Connection(string id, string service) => new()
    {
        Id = id,
        NetworkService = service,
        Path = new Path
        {
            Index = 2,
            PathSegments =
            {
                new PathSegment { Name = "nsc", Id = "c" },
                new PathSegment { Name = "nsmgr", Id = "m" },
                new PathSegment { Name = "forwarder", Id = id },
                new PathSegment { Name = "nse", Id = "e" },
            },
        },
    };
}
