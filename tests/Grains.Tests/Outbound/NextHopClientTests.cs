using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Tests.Outbound;

public sealed class NextHopClientTests : IAsyncLifetime, IDisposable
{
    private readonly TempSocketFolder _folder = new();
    private readonly List<UnixSocketGrpcServer> _servers = [];

    [Fact]
    public async Task Request_StandInEndpointOnUnixSocket_ReturnsItsAnswerAndCloseReachesIt()
    {
        var endpoint = new StandInEndpoint { Name = "stand-in" };
        await using var server = await UnixSocketGrpcServer.StartAsync(_folder.Socket("nse.sock"),
            s => s.AddSingleton(endpoint), app => app.MapGrpcService<StandInEndpoint>());
        using var client = new NextHopClient(Options.Create(new NextHopOptions { DialTimeout = TimeSpan.FromSeconds(2) }));
        var url = "unix://" + server.SocketPath;
        var request = new NetworkServiceRequest
        {
            Connection = new Connection { Id = "fwd-1", NetworkService = "ns" },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
        };

        var answer = await client.RequestAsync(url, request, null, CancellationToken.None);
        await client.CloseAsync(url, answer, CancellationToken.None);

        Assert.Equal(("fwd-1", "stand-in", "NOOP"), (answer.Id, answer.NetworkServiceEndpointName, answer.Mechanism.Type));
        Assert.Equal("fwd-1", Assert.Single(endpoint.Closes).Id);
    }

    [Fact]
    public async Task Request_CallersDeadline_IsTheDeadlineTheNextHopSees()
    {
        var (endpoint, url) = await StartEndpointAsync();
        using var client = new NextHopClient(Options.Create(new NextHopOptions { DialTimeout = TimeSpan.FromSeconds(2) }));
        var deadline = DateTime.UtcNow.AddSeconds(7);

        await client.RequestAsync(url, Noop("fwd-deadline"), deadline, CancellationToken.None);

        // gRPC sends the remaining time (grpc-timeout), so the server's deadline is the caller's up to transit time.
        var seen = endpoint.Deadlines["fwd-deadline"];
        Assert.InRange(seen, deadline.AddSeconds(-1), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task Request_NoCallersDeadline_NextHopSeesTheCallTimeout()
    {
        var (endpoint, url) = await StartEndpointAsync();
        using var client = new NextHopClient(Options.Create(new NextHopOptions { DialTimeout = TimeSpan.FromSeconds(2), CallTimeout = TimeSpan.FromSeconds(9) }));
        var expected = DateTime.UtcNow.AddSeconds(9);

        await client.RequestAsync(url, Noop("fwd-nodeadline"), null, CancellationToken.None);

        Assert.InRange(endpoint.Deadlines["fwd-nodeadline"], expected.AddSeconds(-1), expected.AddSeconds(1));
    }

    [Theory]
    [InlineData(StatusCode.PermissionDenied, ForwarderErrorCode.PermissionDenied)]
    [InlineData(StatusCode.ResourceExhausted, ForwarderErrorCode.ResourceExhausted)]
    [InlineData(StatusCode.NotFound, ForwarderErrorCode.NotFound)]
    [InlineData(StatusCode.Unauthenticated, ForwarderErrorCode.Unauthenticated)]
    [InlineData(StatusCode.AlreadyExists, ForwarderErrorCode.AlreadyExists)]
    [InlineData(StatusCode.Unknown, ForwarderErrorCode.Unknown)]
    public async Task Request_NextHopRefuses_FailsWithItsCodeAndDetail(StatusCode refusal, ForwarderErrorCode expected)
    {
        var (_, url) = await StartEndpointAsync();
        using var client = new NextHopClient(Options.Create(new NextHopOptions { DialTimeout = TimeSpan.FromSeconds(2) }));
        var request = Noop("fwd-refused");
        request.Connection.Labels["nse"] = refusal.ToString();

        var error = await Assert.ThrowsAsync<ForwarderException>(() => client.RequestAsync(url, request, null, CancellationToken.None));

        Assert.Equal(expected, error.Code);
        Assert.Contains($"stand-in NSE refuses with {refusal}", error.Message, StringComparison.Ordinal);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_NoServerAtTheSocket_FailsUnavailableNamingTheUrl()
    {
        using var client = new NextHopClient(Options.Create(new NextHopOptions()));
        var url = "unix://" + _folder.Socket("missing.sock");

        var error = await Assert.ThrowsAsync<ForwarderException>(() =>
            client.RequestAsync(url, new NetworkServiceRequest { Connection = new Connection() }, null, CancellationToken.None));

        Assert.Equal(ForwarderErrorCode.Unavailable, error.Code);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_AnotherCallOnTheSameChannelIsRefused_TheCallInFlightIsNotCut()
    {
        var (endpoint, url) = await StartEndpointAsync();
        using var client = new NextHopClient(Options.Create(new NextHopOptions { DialTimeout = TimeSpan.FromSeconds(2) }));
        var hanging = Noop("fwd-in-flight");
        hanging.Connection.Labels["nse"] = "hang";
        var inFlight = client.RequestAsync(url, hanging, DateTime.UtcNow.AddSeconds(3), CancellationToken.None);
        await Eventually.TrueAsync(() => endpoint.Requests.Any(r => r.Connection.Id == "fwd-in-flight"),
            "the stand-in NSE holds the first Request");
        var refused = Noop("fwd-refused");
        refused.Connection.Labels["nse"] = nameof(StatusCode.PermissionDenied);

        await Assert.ThrowsAsync<ForwarderException>(() => client.RequestAsync(url, refused, null, CancellationToken.None));
        var error = await Assert.ThrowsAsync<ForwarderException>(() => inFlight);

        // Both calls share one channel. A refusal once disposed it, which cancelled the call in flight ("gRPC call
        // disposed") and, with 32 clients, cascaded through every connection to that next hop; now it runs to its deadline.
        Assert.Equal(ForwarderErrorCode.DeadlineExceeded, error.Code);
    }

    [Fact]
    public async Task Request_NoServerAtTheSocketThenOneStarts_TheNextCallReachesIt()
    {
        using var client = new NextHopClient(Options.Create(new NextHopOptions { DialTimeout = TimeSpan.FromSeconds(2) }));
        var socket = _folder.Socket("late.sock");
        var url = "unix://" + socket;
        await Assert.ThrowsAsync<ForwarderException>(() => client.RequestAsync(url, Noop("fwd-early"), null, CancellationToken.None));
        var endpoint = new StandInEndpoint { Name = "late" };
        await using var server = await UnixSocketGrpcServer.StartAsync(socket,
            s => s.AddSingleton(endpoint), app => app.MapGrpcService<StandInEndpoint>());

        var answer = await client.RequestAsync(url, Noop("fwd-late"), null, CancellationToken.None);

        Assert.Equal("late", answer.NetworkServiceEndpointName);
    }

    [Fact]
    public async Task Request_UnsupportedUrlScheme_FailsUnavailableNamingTheUrl()
    {
        using var client = new NextHopClient(Options.Create(new NextHopOptions()));

        var error = await Assert.ThrowsAsync<ForwarderException>(() =>
            client.RequestAsync("inode://4/1234", new NetworkServiceRequest { Connection = new Connection() }, null, CancellationToken.None));

        Assert.Contains("inode://4/1234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindEndpoints_StandInRegistry_ReturnsTheNamedAndTheServicesEndpoints()
    {
        using var registry = new StandInRegistry
        {
            Endpoints =
            {
                new NetworkServiceEndpoint { Name = "nse-1", Url = "unix:///a.sock", NetworkServiceNames = { "ns" } },
                new NetworkServiceEndpoint { Name = "nse-2", Url = "unix:///b.sock", NetworkServiceNames = { "other" } },
            },
        };
        await using var server = await UnixSocketGrpcServer.StartAsync(_folder.Socket("reg.sock"),
            s => s.AddSingleton(registry), app => app.MapGrpcService<StandInRegistry>());
        using var client = new RegistryClient(Options.Create(new NextHopOptions { ConnectTo = "unix://" + server.SocketPath }));

        var byName = await client.FindEndpointsByNameAsync("nse-2", CancellationToken.None);
        var byService = await client.FindEndpointsByServiceAsync("ns", CancellationToken.None);

        Assert.Equal("unix:///b.sock", Assert.Single(byName).Url);
        Assert.Equal("nse-1", Assert.Single(byService).Name);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    // xunit runs this after DisposeAsync, once the servers let go of their sockets.
    public void Dispose() => _folder.Dispose();

    private static NetworkServiceRequest Noop(string id) => new()
    {
        Connection = new Connection { Id = id, NetworkService = "ns" },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
    };

    private async Task<(StandInEndpoint Endpoint, string Url)> StartEndpointAsync()
    {
        var endpoint = new StandInEndpoint();
        var server = await UnixSocketGrpcServer.StartAsync(_folder.Socket($"nse-{_servers.Count}.sock"),
            s => s.AddSingleton(endpoint), app => app.MapGrpcService<StandInEndpoint>());
        _servers.Add(server);
        return (endpoint, "unix://" + server.SocketPath);
    }
}
