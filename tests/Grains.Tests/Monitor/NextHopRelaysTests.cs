using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Grains.Monitor;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Grains.Tests.Chain;
using NsmPath = SriovForwarder.Api.Nsm.Connection.Path;

namespace SriovForwarder.Grains.Tests.Monitor;

/// <summary>
/// The relays of our connections through one next hop share one <c>MonitorConnections</c> stream (decision 045): the real
/// next-hop client against the stand-in NSE's monitor on a unix socket, which counts the calls it gets.
/// </summary>
public sealed class NextHopRelaysTests : IAsyncLifetime, IDisposable
{
    private const string Node = "node-1";
    private const string Name = "fwd";

    // Long enough that no test's stream closes on its own unless the test wants it to.
    private static readonly NextHopRelayOptions Lingering = new() { Linger = TimeSpan.FromHours(1), FirstReconnectDelay = TimeSpan.FromMilliseconds(10) };

    private readonly TempSocketFolder _folder = new();
    private readonly StandInEndpoint _nse = new();
    private readonly StandInEndpointMonitor _monitor;
    private readonly RecordingSink _sink = new();
    private readonly NextHopClient _client = new(Options.Create(new NextHopOptions { DialTimeout = TimeSpan.FromSeconds(2) }));
    private UnixSocketGrpcServer _server = null!;

    public NextHopRelaysTests() => _monitor = new StandInEndpointMonitor(_nse);

    private string Url => "unix://" + _server.SocketPath;

    [Fact]
    public async Task TwoConnectionsToOneNextHop_ShareOneStreamSelectingOurName()
    {
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        relays.Start(Node, "b", Url, Published("b"));

        await OpenAsync();
        _monitor.Send(ConnectionEventType.Update, Remote("a", State.Down));
        _monitor.Send(ConnectionEventType.Update, Remote("b", State.Down));
        await Eventually.TrueAsync(() => _sink.Events.Count(e => e.Connection.State == State.Down) == 2, "both connections published DOWN");

        Assert.Equal(1, _monitor.Subscriptions);
        var segment = Assert.Single(Assert.Single(_monitor.OpenSelectors).PathSegments);
        Assert.Equal((Name, string.Empty), (segment.Name, segment.Id));
        Assert.Equal(["a", "b"], _sink.Events.Select(e => e.Connection.Id).Order());
    }

    [Fact]
    public async Task EventAboutOneConnection_ReachesOnlyThatConnection()
    {
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        relays.Start(Node, "b", Url, Published("b"));
        await OpenAsync();

        // One stream, so b's event comes after a's: once b's arrived, a's was handed out, to a alone.
        _monitor.Send(ConnectionEventType.Update, Remote("a", State.Up, "10.0.0.1/32"));
        _monitor.Send(ConnectionEventType.Update, Remote("b", State.Up, "10.0.0.2/32"));
        await Eventually.TrueAsync(() => _sink.Events.Any(e => e.Connection.Id == "b"), "b's event relayed");

        var published = _sink.Events.Select(e => (e.Connection.Id, Address: e.Connection.Context.IpContext.SrcIpAddrs.Single())).ToList();
        Assert.Equal([("a", "10.0.0.1/32"), ("b", "10.0.0.2/32")], published);
        Assert.All(_sink.Events, e => Assert.Equal((ConnectionEventType.Update, State.Up, 0u), (e.Type, e.Connection.State, e.Connection.Path.Index)));
    }

    [Fact]
    public async Task StreamBreaks_ItsConnectionsArePublishedDown_AndTheStreamIsOpenedAgainForTheNext()
    {
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        await OpenAsync();

        _monitor.EndStreams();
        await Eventually.TrueAsync(() => _sink.Events.Any(e => e.Connection.Id == "a" && e.Connection.State == State.Down), "a published DOWN");
        relays.Start(Node, "b", Url, Published("b"));
        await Eventually.TrueAsync(() => _monitor.Subscriptions == 2 && _monitor.OpenStreams == 1, "the stream opened again");
        // One stream, so once b's event is relayed a's was handed out before it, to no relay.
        _monitor.Send(ConnectionEventType.Update, Remote("a", State.Up, "10.1.1.1/32"));
        _monitor.Send(ConnectionEventType.Update, Remote("b", State.Down));
        await Eventually.TrueAsync(() => _sink.Events.Any(e => e.Connection.Id == "b"), "b's event relayed");

        Assert.Equal(1, relays.StreamCount);
        // a heard nothing after its DOWN: as with a stream of its own, it waits for its next Request.
        Assert.Single(_sink.Events, e => e.Connection.Id == "a");
    }

    [Fact]
    public async Task NextHopWithoutMonitor_IsRememberedAndNotAskedAgain_AndNothingIsPublished()
    {
        _monitor.Unimplemented = true;
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        await Eventually.TrueAsync(() => relays.StreamCount == 0, "the refused stream ended");

        relays.Start(Node, "b", Url, Published("b"));
        relays.Stop(Node, "a");
        relays.Start(Node, "a", Url, Published("a"));

        Assert.Equal(0, relays.StreamCount);
        Assert.Equal(1, _monitor.Subscriptions);
        Assert.Empty(_sink.Events);
    }

    [Fact]
    public async Task NextHopRefusesTheSharedSelector_EachConnectionGetsItsOwnStream()
    {
        _monitor.RequireConnectionIds = true;
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        relays.Start(Node, "b", Url, Published("b"));

        await Eventually.TrueAsync(() => _monitor.OpenStreams == 2, "a stream per connection is open");
        relays.Start(Node, "c", Url, Published("c"));
        await Eventually.TrueAsync(() => _monitor.OpenStreams == 3, "the next connection got its own stream at once");
        _monitor.Send(ConnectionEventType.Update, Remote("a", State.Down));
        _monitor.Send(ConnectionEventType.Update, Remote("b", State.Down));
        _monitor.Send(ConnectionEventType.Update, Remote("c", State.Down));
        await Eventually.TrueAsync(() => _sink.Events.Count == 3, "each connection's event relayed");

        Assert.Equal(4, _monitor.Subscriptions);
        Assert.Equal(["a", "b", "c"], _monitor.OpenSelectors.Select(s => Assert.Single(s.PathSegments)).Select(s => s.Name == Name ? s.Id : "?").Order());
        Assert.Equal(["a", "b", "c"], _sink.Events.Select(e => e.Connection.Id).Order());
    }

    [Fact]
    public async Task LastConnectionStopped_StreamEndsAfterTheLinger()
    {
        using var relays = Relays(new NextHopRelayOptions { Linger = TimeSpan.FromMilliseconds(50) });
        relays.Start(Node, "a", Url, Published("a"));
        relays.Start(Node, "b", Url, Published("b"));
        await OpenAsync();

        relays.Stop(Node, "a");
        Assert.Equal(1, relays.StreamCount);
        relays.Stop(Node, "b");

        await Eventually.TrueAsync(() => _monitor.OpenStreams == 0 && relays.StreamCount == 0, "the stream closed at the next hop");
        Assert.Equal(1, _monitor.Subscriptions);
    }

    [Fact]
    public async Task ConnectionsComeAndGoWithinTheLinger_TheStreamIsNotOpenedAgain()
    {
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        await OpenAsync();

        relays.Stop(Node, "a");
        relays.Start(Node, "b", Url, Published("b"));
        _monitor.Send(ConnectionEventType.Update, Remote("b", State.Down));
        await Eventually.TrueAsync(() => _sink.Events.Any(e => e.Connection.Id == "b"), "b's event relayed");

        Assert.Equal(1, _monitor.Subscriptions);
    }

    [Fact]
    public async Task EventDuringTheRequest_IsGivenToTheRelayStartedAfterIt()
    {
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        relays.Start(Node, "b", Url, Published("b"));
        await OpenAsync();

        // a's Request begins (its relay stops), the next hop reports a DOWN meanwhile, the Request succeeds.
        relays.Stop(Node, "a");
        _monitor.Send(ConnectionEventType.Update, Remote("a", State.Down));
        _monitor.Send(ConnectionEventType.Update, Remote("b", State.Down));
        await Eventually.TrueAsync(() => _sink.Events.Any(e => e.Connection.Id == "b"), "the events reached us");
        Assert.DoesNotContain(_sink.Events, e => e.Connection.Id == "a");
        relays.Start(Node, "a", Url, Published("a"));

        var relayed = Assert.Single(_sink.Events, e => e.Connection.Id == "a");
        Assert.Equal(State.Down, relayed.Connection.State);
    }

    [Fact]
    public async Task Dispose_EndsTheStreamAtTheNextHop()
    {
        using var relays = Relays(Lingering);
        relays.Start(Node, "a", Url, Published("a"));
        await OpenAsync();

        relays.Dispose();

        await Eventually.TrueAsync(() => _monitor.OpenStreams == 0, "the stream closed at the next hop");
        Assert.Equal(0, relays.StreamCount);
    }

    public async Task InitializeAsync()
    {
        var monitor = _monitor;
        _server = await UnixSocketGrpcServer.StartAsync(_folder.Socket("nse.sock"), s => s.AddSingleton(monitor), app => app.MapGrpcService<StandInEndpointMonitor>());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    // xunit runs this after DisposeAsync, once the server let go of its socket.
    public void Dispose()
    {
        _client.Dispose();
        _folder.Dispose();
    }

    private NextHopRelays Relays(NextHopRelayOptions options) => new(_sink, NullLogger<NextHopRelays>.Instance, _client, options);

    private Task OpenAsync() => Eventually.TrueAsync(() => _monitor.OpenStreams == 1, "the stream is open at the next hop");

    // Our connection as our monitor published it: our segment at index 0, the NSE's next.
    private static Connection Published(string id) => new()
    {
        Id = id,
        NetworkService = "ns",
        State = State.Up,
        Path = new NsmPath { Index = 0, PathSegments = { new PathSegment { Name = Name, Id = id }, new PathSegment { Name = "nse-1", Id = "nse-" + id } } },
    };

    // The same connection as the NSE sees it (its own index), with the state and source address it reports.
    private static Connection Remote(string id, State state, string address = "10.0.0.9/32")
    {
        var remote = Published(id);
        remote.Id = "nse-" + id;
        remote.Path.Index = 1;
        remote.State = state;
        remote.Context = new ConnectionContext { IpContext = new IPContext { SrcIpAddrs = { address } } };
        return remote;
    }
}
