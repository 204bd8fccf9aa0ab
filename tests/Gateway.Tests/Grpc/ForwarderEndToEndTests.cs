using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.Tests.Grpc;

public sealed class ForwarderEndToEndTests(ForwarderEndToEndFixture fixture) : IClassFixture<ForwarderEndToEndFixture>
{
    [Fact]
    public async Task RequestThenClose_NoopOverUnixSockets_ReachesTheNseAndMonitorSeesBothEvents()
    {
        using var channel = UnixSocketChannelFactory.Create(fixture.ForwarderSocket, TimeSpan.FromSeconds(2));
        var client = new NetworkService.NetworkServiceClient(channel);
        var monitor = new MonitorConnection.MonitorConnectionClient(channel);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var events = monitor.MonitorConnections(new MonitorScopeSelector { NetworkServices = { "ns" } }, cancellationToken: cancel.Token);
        Assert.True(await events.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(ConnectionEventType.InitialStateTransfer, events.ResponseStream.Current.Type);
        var request = new NetworkServiceRequest
        {
            Connection = new Connection { NetworkService = "ns", NetworkServiceEndpointName = "nse-1" },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
        };

        var connection = await client.RequestAsync(request, cancellationToken: cancel.Token);
        Assert.True(await events.ResponseStream.MoveNext(cancel.Token));
        var update = events.ResponseStream.Current;
        await client.CloseAsync(connection, cancellationToken: cancel.Token);
        Assert.True(await events.ResponseStream.MoveNext(cancel.Token));
        var delete = events.ResponseStream.Current;

        Assert.Equal(("NOOP", State.Up), (connection.Mechanism.Type, connection.State));
        Assert.Equal(ForwarderEndToEndFixture.Name, connection.Path.PathSegments[0].Name);
        var sent = Assert.Single(fixture.Nse.Requests, r => r.Connection.Id == connection.Id);
        Assert.Equal("LOCAL", Assert.Single(sent.MechanismPreferences).Cls);
        Assert.Contains(fixture.Nse.Closes, c => c.Id == connection.Id);
        Assert.Equal((ConnectionEventType.Update, ConnectionEventType.Delete), (update.Type, delete.Type));
        Assert.Equal(connection.Id, update.Connections.Keys.Single());
    }

    [Fact]
    public async Task Request_BadToken_FailsInvalidArgumentNamingTheToken()
    {
        using var channel = UnixSocketChannelFactory.Create(fixture.ForwarderSocket, TimeSpan.FromSeconds(2));
        var client = new NetworkService.NetworkServiceClient(channel);
        var request = new NetworkServiceRequest
        {
            Connection = new Connection { NetworkService = "ns" },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "VFIO", Parameters = { ["tokenID"] = "sriov-nope", ["cgroupDir"] = "pod/*" } } },
        };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.RequestAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("sriov-nope", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_UnknownEndpoint_FailsNotFoundNamingIt()
    {
        using var channel = UnixSocketChannelFactory.Create(fixture.ForwarderSocket, TimeSpan.FromSeconds(2));
        var client = new NetworkService.NetworkServiceClient(channel);
        var request = new NetworkServiceRequest
        {
            Connection = new Connection { NetworkService = "ns", NetworkServiceEndpointName = "nse-404" },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
        };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.RequestAsync(request));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("nse-404", error.Status.Detail, StringComparison.Ordinal);
    }
}
