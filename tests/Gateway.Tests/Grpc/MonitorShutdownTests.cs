using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>A MonitorConnections stream NSMgr holds ends from our side when the server stops, instead of holding the stop.</summary>
public sealed class MonitorShutdownTests
{
    [Fact]
    public async Task Stop_MonitorConnectionsOpen_StreamEndsUnavailableAndServerStops()
    {
        using var folder = new TempSocketFolder();
        var server = await UnixSocketGrpcServer.StartAsync(
            folder.Socket("monitor.sock"), s => s.AddSingleton<IConnectionEventSource>(new NoConnections()), a => a.MapGrpcService<MonitorConnectionService>());
        using var channel = UnixSocketChannelFactory.Create(server.SocketPath, TimeSpan.FromSeconds(2));
        using var call = new MonitorConnection.MonitorConnectionClient(channel).MonitorConnections(new MonitorScopeSelector());
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Assert.True(await call.ResponseStream.MoveNext(patience.Token));
        Assert.Equal(ConnectionEventType.InitialStateTransfer, call.ResponseStream.Current.Type);

        // A stream left open would hold this until Kestrel's shutdown timeout (30 s) and then be cut as a transport error.
        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(patience.Token));

        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Equal("the forwarder is shutting down", ended.Status.Detail);
    }

    /// <summary>A node without connections: the initial state transfer is empty and nothing follows.</summary>
    private sealed class NoConnections : IConnectionEventSource
    {
        public async Task<IAsyncDisposable> SubscribeAsync(ConnectionEventFeed feed, CancellationToken cancellationToken)
        {
            await feed.OnConnectionEventAsync(new ConnectionEventNotice(Guid.NewGuid(), 0, new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer }));
            return new Completing(feed);
        }

        private sealed class Completing(ConnectionEventFeed feed) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                feed.Complete();
                return ValueTask.CompletedTask;
            }
        }
    }
}
