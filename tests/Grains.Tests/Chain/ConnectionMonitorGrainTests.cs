using System.Threading.Channels;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>
/// The node's monitor grain keeps the latest state of each connection: a new observer gets it as one numbered initial
/// state transfer, the events after it carry the following numbers (so the observer can order them, whatever order
/// Orleans delivers them in), and a renewal sends no second snapshot.
/// </summary>
[Collection(ConnectionClusterCollection.Name)]
public sealed class ConnectionMonitorGrainTests(ConnectionClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _a = Guid.NewGuid().ToString();
    private readonly string _b = Guid.NewGuid().ToString();
    private readonly string _c = Guid.NewGuid().ToString();
    private long _order;

    private IConnectionMonitorGrain Monitor => fixture.Grains.GetGrain<IConnectionMonitorGrain>(ConnectionClusterFixture.Node);

    [Fact]
    public async Task Subscribe_BetweenPublishes_SnapshotPlusTheNumberedEventsAfterItGiveTheCurrentState()
    {
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _a), ++_order);
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _b), ++_order);
        await Monitor.PublishAsync(Event(ConnectionEventType.Delete, _b), ++_order);
        var observer = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<IConnectionEventObserver>(observer);

        await Monitor.SubscribeAsync(reference);
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _c), ++_order);
        await Monitor.PublishAsync(Event(ConnectionEventType.Delete, _a), ++_order);
        // One-way publishes may reach the grain in either order; wait for the state both of them make.
        var state = await observer.StateWhenAsync(s => s.Contains(_c) && !s.Contains(_a));
        await Monitor.UnsubscribeAsync(reference);
        fixture.Grains.DeleteObjectReference<IConnectionEventObserver>(reference);

        Assert.Contains(_c, state);
        Assert.DoesNotContain(_a, state);
        Assert.DoesNotContain(_b, state);
        Assert.Equal(1, observer.Snapshots);
    }

    [Fact]
    public async Task Publish_UpdateOvertakenByTheDeleteAfterIt_TheConnectionStaysDeleted()
    {
        var observer = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<IConnectionEventObserver>(observer);
        await Monitor.SubscribeAsync(reference);

        // As Orleans may deliver them: the DELETE (published second) before the UPDATE (published first).
        await Monitor.PublishAsync(Event(ConnectionEventType.Delete, _a), 2_000_000_002);
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _a), 2_000_000_001);
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _b), 2_000_000_003);
        var state = await observer.StateAfterAsync(connectionId: _b, deleted: false);
        await Monitor.UnsubscribeAsync(reference);
        fixture.Grains.DeleteObjectReference<IConnectionEventObserver>(reference);

        Assert.DoesNotContain(_a, state);
        Assert.Contains(_b, state);
    }

    [Fact]
    public async Task Subscribe_Renewed_SendsNoSecondInitialState()
    {
        var observer = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<IConnectionEventObserver>(observer);

        await Monitor.SubscribeAsync(reference);
        await Monitor.SubscribeAsync(reference);
        await Monitor.PublishAsync(Event(ConnectionEventType.Update, _a), ++_order);
        var state = await observer.StateAfterAsync(connectionId: _a, deleted: false);
        await Monitor.UnsubscribeAsync(reference);
        fixture.Grains.DeleteObjectReference<IConnectionEventObserver>(reference);

        Assert.Contains(_a, state);
        Assert.Equal(1, observer.Snapshots);
    }

    private static ConnectionEvent Event(ConnectionEventType type, string id) =>
        new() { Type = type, Connections = { [id] = new Connection { Id = id, NetworkService = "sriov-ns", State = State.Up } } };

    /// <summary>Applies the snapshot, then the events numbered after it in their order, as the gateway's feed does.</summary>
    private sealed class RecordingObserver : IConnectionEventObserver
    {
        private readonly Channel<ConnectionEventNotice> _notices = Channel.CreateUnbounded<ConnectionEventNotice>();
        private readonly List<ConnectionEventNotice> _received = [];

        public int Snapshots => _received.Count(n => n.Event.Type == ConnectionEventType.InitialStateTransfer);

        public Task OnConnectionEventAsync(ConnectionEventNotice notice)
        {
            _notices.Writer.TryWrite(notice);
            return Task.CompletedTask;
        }

        /// <summary>The connection ids once the snapshot and an unbroken run of events after it show the wanted change.</summary>
        public Task<HashSet<string>> StateAfterAsync(string connectionId, bool deleted) =>
            StateWhenAsync(state => state.Contains(connectionId) != deleted);

        /// <summary>The connection ids once the snapshot and an unbroken run of events after it satisfy <paramref name="wanted"/>.</summary>
        public async Task<HashSet<string>> StateWhenAsync(Func<HashSet<string>, bool> wanted)
        {
            using var patience = new CancellationTokenSource(Patience);
            while (true)
            {
                _received.Add(await _notices.Reader.ReadAsync(patience.Token));
                if (State() is { } state && wanted(state))
                {
                    // Anything still on its way would be a second snapshot: give it a moment to show.
                    await Task.Delay(100, patience.Token);
                    while (_notices.Reader.TryRead(out var late))
                    {
                        _received.Add(late);
                    }

                    return state;
                }
            }
        }

        private HashSet<string>? State()
        {
            var snapshot = _received.FirstOrDefault(n => n.Event.Type == ConnectionEventType.InitialStateTransfer);
            if (snapshot is null)
            {
                return null;
            }

            var state = snapshot.Event.Connections.Keys.ToHashSet();
            var next = snapshot.Sequence + 1;
            var events = _received.Where(n => n.Epoch == snapshot.Epoch && n.Event.Type != ConnectionEventType.InitialStateTransfer)
                .ToDictionary(n => n.Sequence);
            while (events.Remove(next++, out var notice))
            {
                foreach (var id in notice.Event.Connections.Keys)
                {
                    if (notice.Event.Type == ConnectionEventType.Delete)
                    {
                        state.Remove(id);
                    }
                    else
                    {
                        state.Add(id);
                    }
                }
            }

            return state;
        }
    }
}
