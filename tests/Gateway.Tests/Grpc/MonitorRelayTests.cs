using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.TestSupport.Waiting;

namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>
/// The forwarder relays its next hop's monitor events for its connections (upstream §6.9), end to end over unix sockets:
/// the stand-in NSE serves MonitorConnection, the test makes it report a change, and the forwarder's own
/// MonitorConnections stream must show it for the forwarder's connection, in the forwarder's coordinates.
/// </summary>
public sealed class MonitorRelayTests(ForwarderEndToEndFixture fixture) : IClassFixture<ForwarderEndToEndFixture>
{
    [Fact]
    public async Task Request_WatchesTheNextHopWithOurSegmentsNameForAllOurConnections()
    {
        await using var watched = await WatchedConnection.OpenAsync(fixture);

        var selector = await watched.RelaySelectorAsync();
        await watched.CloseAsync();

        // One stream per next hop for all our connections (decision 045): our name, no connection id.
        var segment = Assert.Single(selector.PathSegments);
        Assert.Equal((string.Empty, ForwarderEndToEndFixture.Name), (segment.Id, segment.Name));
        Assert.Empty(selector.NetworkServices);
    }

    [Fact]
    public async Task NextHopReportsDown_ForwarderPublishesOurConnectionDown()
    {
        await using var watched = await WatchedConnection.OpenAsync(fixture);
        await watched.RelaySelectorAsync();
        var remote = fixture.Nse.Answered[watched.OwnId].Clone();
        remote.State = State.Down;

        fixture.NseMonitor.Send(ConnectionEventType.Update, remote);
        var relayed = await watched.NextUpdateAsync(c => c.State == State.Down);
        await watched.CloseAsync();

        Assert.Equal(watched.OwnId, relayed.Id);
        Assert.Equal(0u, relayed.Path.Index);
        Assert.Equal(ForwarderEndToEndFixture.Name, relayed.Path.PathSegments[0].Name);
    }

    [Fact]
    public async Task NextHopChangesTheContext_ForwarderPublishesTheNewContextStillUp()
    {
        await using var watched = await WatchedConnection.OpenAsync(fixture);
        await watched.RelaySelectorAsync();
        var remote = fixture.Nse.Answered[watched.OwnId].Clone();
        remote.Context = new ConnectionContext { IpContext = new IPContext { SrcIpAddrs = { "10.9.9.9/32" } } };

        fixture.NseMonitor.Send(ConnectionEventType.Update, remote);
        var relayed = await watched.NextUpdateAsync(c => c.Context?.IpContext?.SrcIpAddrs.Contains("10.9.9.9/32") == true);
        await watched.CloseAsync();

        Assert.Equal(State.Up, relayed.State);
        Assert.Equal(watched.OwnId, relayed.Id);
    }

    [Fact]
    public async Task NextHopDeletesTheConnection_ForwarderPublishesItDownNotDeleted()
    {
        await using var watched = await WatchedConnection.OpenAsync(fixture);
        await watched.RelaySelectorAsync();

        fixture.NseMonitor.Send(ConnectionEventType.Delete, fixture.Nse.Answered[watched.OwnId]);
        var relayed = await watched.NextUpdateAsync(c => c.State == State.Down);
        await watched.CloseAsync();

        Assert.Equal(watched.OwnId, relayed.Id);
    }

    [Fact]
    public async Task NextHopsStreamBreaks_ForwarderPublishesOurConnectionDown()
    {
        await using var watched = await WatchedConnection.OpenAsync(fixture);
        await watched.RelaySelectorAsync();

        fixture.NseMonitor.EndStreams();
        var relayed = await watched.NextUpdateAsync(c => c.State == State.Down);
        await watched.CloseAsync();

        Assert.Equal(watched.OwnId, relayed.Id);
    }

    [Fact]
    public async Task EventAboutAnotherConnection_IsNotRelayedAsOurs()
    {
        await using var watched = await WatchedConnection.OpenAsync(fixture);
        await watched.RelaySelectorAsync();
        var stranger = fixture.Nse.Answered[watched.OwnId].Clone();
        stranger.Id = "stranger";
        stranger.Path.PathSegments[0].Id = "stranger";
        stranger.State = State.Down;
        var ours = fixture.Nse.Answered[watched.OwnId].Clone();
        ours.Context = new ConnectionContext { IpContext = new IPContext { SrcIpAddrs = { "10.8.8.8/32" } } };

        // The stranger's event goes first; the next relayed update must be the one about our connection, still Up.
        fixture.NseMonitor.Send(ConnectionEventType.Update, stranger);
        fixture.NseMonitor.Send(ConnectionEventType.Update, ours);
        var relayed = await watched.NextUpdateAsync(_ => true);
        await watched.CloseAsync();

        Assert.Equal(State.Up, relayed.State);
        Assert.Contains("10.8.8.8/32", relayed.Context.IpContext.SrcIpAddrs);
    }

    // The stream is the connection's no more (decision 045): it ends when its last connection closed and the linger is over.
    [Fact]
    public async Task Close_StopsTheRelay()
    {
        await using var watched = await WatchedConnection.OpenAsync(fixture);
        await watched.RelaySelectorAsync();

        await watched.CloseAsync();

        await Eventually.TrueAsync(() => fixture.NseMonitor.OpenStreams == 0, "the NSE's monitor stream closed after the Close");
        var delete = await watched.NextEventAsync();
        Assert.Equal(ConnectionEventType.Delete, delete.Type);
    }

    /// <summary>A connection requested through the forwarder, with the forwarder's monitor stream watching it.</summary>
    private sealed class WatchedConnection : IAsyncDisposable
    {
        private readonly ForwarderEndToEndFixture _fixture;
        private readonly global::Grpc.Net.Client.GrpcChannel _channel;
        private readonly CancellationTokenSource _cancel = new(TimeSpan.FromSeconds(30));
        private AsyncServerStreamingCall<ConnectionEvent> _events = null!;
        private Connection _connection = null!;

        private WatchedConnection(ForwarderEndToEndFixture fixture)
        {
            _fixture = fixture;
            _channel = UnixSocketChannelFactory.Create(fixture.ForwarderSocket, TimeSpan.FromSeconds(2));
        }

        /// <summary>Our connection's id: the forwarder's path segment id.</summary>
        public string OwnId => _connection.Path.PathSegments[0].Id;

        public static async Task<WatchedConnection> OpenAsync(ForwarderEndToEndFixture fixture)
        {
            var watched = new WatchedConnection(fixture);
            var monitor = new MonitorConnection.MonitorConnectionClient(watched._channel);
            watched._events = monitor.MonitorConnections(new MonitorScopeSelector { NetworkServices = { "ns" } }, cancellationToken: watched._cancel.Token);
            Assert.True(await watched._events.ResponseStream.MoveNext(watched._cancel.Token));
            var client = new NetworkService.NetworkServiceClient(watched._channel);
            watched._connection = await client.RequestAsync(
                new NetworkServiceRequest
                {
                    Connection = new Connection { NetworkService = "ns", NetworkServiceEndpointName = "nse-1" },
                    MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
                },
                cancellationToken: watched._cancel.Token);
            // The UPDATE of the Request itself.
            await watched.NextUpdateAsync(_ => true);
            return watched;
        }

        /// <summary>
        /// The selector of the forwarder's open stream at the NSE that covers this connection, once there is one: the
        /// stream is shared by the forwarder's connections to the NSE and may have been opened before (decision 045).
        /// </summary>
        public async Task<MonitorScopeSelector> RelaySelectorAsync()
        {
            MonitorScopeSelector? covering = null;
            await Eventually.TrueAsync(
                () => (covering = _fixture.NseMonitor.OpenSelectors.FirstOrDefault(s => ScopeSelector.Matches(s, _fixture.Nse.Answered[OwnId]))) is not null,
                "the forwarder watches the NSE's monitor for the connection");
            return covering!;
        }

        public async Task<ConnectionEvent> NextEventAsync()
        {
            Assert.True(await _events.ResponseStream.MoveNext(_cancel.Token), "the forwarder's monitor stream ended");
            return _events.ResponseStream.Current;
        }

        /// <summary>The next UPDATE about a connection that <paramref name="match"/> accepts, ours or (while opening) the new one.</summary>
        public async Task<Connection> NextUpdateAsync(Func<Connection, bool> match)
        {
            while (true)
            {
                var next = await NextEventAsync();
                foreach (var connection in next.Connections.Values)
                {
                    if (next.Type == ConnectionEventType.Update && (_connection is null || connection.Id == OwnId) && match(connection))
                    {
                        return connection;
                    }
                }
            }
        }

        public async Task CloseAsync()
        {
            var client = new NetworkService.NetworkServiceClient(_channel);
            await client.CloseAsync(_connection, cancellationToken: _cancel.Token);
        }

        public ValueTask DisposeAsync()
        {
            _events?.Dispose();
            _channel.Dispose();
            _cancel.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
