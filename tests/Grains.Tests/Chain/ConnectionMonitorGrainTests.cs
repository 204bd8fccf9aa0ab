using System.Threading.Channels;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>
/// The node's monitor grain keeps the latest state of each connection: a new observer gets it as one initial state
/// transfer before any later event, a renewal sends no second one, and an unsubscribed observer hears nothing more.
/// </summary>
[Collection(ConnectionClusterCollection.Name)]
public sealed class ConnectionMonitorGrainTests(ConnectionClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _a = Guid.NewGuid().ToString();
    private readonly string _b = Guid.NewGuid().ToString();
    private readonly string _c = Guid.NewGuid().ToString();

    private IConnectionMonitorGrain Monitor => fixture.Grains.GetGrain<IConnectionMonitorGrain>(ConnectionClusterFixture.Node);

    [Fact]
    public async Task Subscribe_AfterPublishes_FirstEventIsTheCurrentStateThenTheLaterEventsInOrder()
    {
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _a));
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _b));
        await Monitor.PublishAsync(Event(ConnectionEventType.Delete, _b));
        var observer = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<IConnectionEventObserver>(observer);

        await Monitor.SubscribeAsync(reference);
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _c));
        await Monitor.PublishAsync(Event(ConnectionEventType.Delete, _a));
        var initial = await observer.NextAsync();
        var update = await observer.NextAsync();
        var delete = await observer.NextAsync();
        await Monitor.UnsubscribeAsync(reference);
        fixture.Grains.DeleteObjectReference<IConnectionEventObserver>(observer);

        Assert.Equal(ConnectionEventType.InitialStateTransfer, initial.Type);
        Assert.Contains(_a, initial.Connections.Keys);
        Assert.DoesNotContain(_b, initial.Connections.Keys);
        Assert.Equal((ConnectionEventType.Update, _c), (update.Type, update.Connections.Keys.Single()));
        Assert.Equal((ConnectionEventType.Delete, _a), (delete.Type, delete.Connections.Keys.Single()));
    }

    [Fact]
    public async Task Subscribe_Renewed_SendsNoSecondInitialStateAndUnsubscribeEndsTheEvents()
    {
        var observer = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<IConnectionEventObserver>(observer);

        await Monitor.SubscribeAsync(reference);
        await Monitor.SubscribeAsync(reference);
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _a));
        var initial = await observer.NextAsync();
        var update = await observer.NextAsync();
        await Monitor.UnsubscribeAsync(reference);
        await Monitor.PublishAsync(Event(ConnectionEventType.Delete, _a));
        // A later subscriber's snapshot marks the point after which the first one would have heard the delete.
        var later = new RecordingObserver();
        var laterReference = fixture.Grains.CreateObjectReference<IConnectionEventObserver>(later);
        await Monitor.SubscribeAsync(laterReference);
        var laterInitial = await later.NextAsync();
        await Monitor.UnsubscribeAsync(laterReference);
        fixture.Grains.DeleteObjectReference<IConnectionEventObserver>(observer);
        fixture.Grains.DeleteObjectReference<IConnectionEventObserver>(later);

        Assert.Equal(ConnectionEventType.InitialStateTransfer, initial.Type);
        Assert.Equal((ConnectionEventType.Update, _a), (update.Type, update.Connections.Keys.Single()));
        Assert.DoesNotContain(_a, laterInitial.Connections.Keys);
        Assert.False(observer.TryNext(out var extra), $"unexpected event {extra}");
    }

    private static ConnectionEvent Event(ConnectionEventType type, string id) =>
        new() { Type = type, Connections = { [id] = new Connection { Id = id, NetworkService = "sriov-ns", State = State.Up } } };

    private sealed class RecordingObserver : IConnectionEventObserver
    {
        private readonly Channel<ConnectionEvent> _events = Channel.CreateUnbounded<ConnectionEvent>();

        public Task OnConnectionEventAsync(ConnectionEvent connectionEvent)
        {
            _events.Writer.TryWrite(connectionEvent);
            return Task.CompletedTask;
        }

        public async Task<ConnectionEvent> NextAsync()
        {
            using var patience = new CancellationTokenSource(Patience);
            return await _events.Reader.ReadAsync(patience.Token);
        }

        public bool TryNext(out ConnectionEvent? connectionEvent) => _events.Reader.TryRead(out connectionEvent);
    }
}
