using Grpc.Core;
using Microsoft.Extensions.Hosting;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Gateway.Authorization;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// The forwarder's <c>connection.MonitorConnection</c>: an initial snapshot of this node's connections,
/// then their UPDATE and DELETE events, filtered by the scope selector, until the client goes away or the
/// forwarder begins to stop (then the stream ends from our side with <c>Unavailable</c>). In SPIFFE mode a subscriber
/// sees only the connections its SPIFFE ID made (<see cref="NsmServerSecurity.MonitorVisibility"/>).
/// </summary>
public sealed class MonitorConnectionService(IConnectionEventSource events, IHostApplicationLifetime lifetime, NsmServerSecurity? security = null) : MonitorConnection.MonitorConnectionBase
{
    /// <inheritdoc />
    public override async Task MonitorConnections(MonitorScopeSelector request, IServerStreamWriter<ConnectionEvent> responseStream, ServerCallContext context)
    {
        // NSMgr never ends this stream: without ending it at ApplicationStopping, Kestrel would wait for it until its
        // shutdown timeout and the forwarder would outlive Kubernetes' grace period.
        var stopping = lifetime.ApplicationStopping;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        var feed = new ConnectionEventFeed(request, security?.MonitorVisibility(context));
        try
        {
            await using var subscription = await SubscribeAsync(feed, ending.Token);
            await foreach (var connectionEvent in feed.Reader.ReadAllAsync(ending.Token))
            {
                await responseStream.WriteAsync(connectionEvent, ending.Token);
            }
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
            // The client went away, or we are stopping: the stream ends.
        }

        if (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // What a stopping gRPC server answers: NSMgr's monitor client reconnects to whoever serves next.
            context.Status = new Status(StatusCode.Unavailable, "the forwarder is shutting down");
        }
    }

    private async Task<IAsyncDisposable> SubscribeAsync(ConnectionEventFeed feed, CancellationToken cancellationToken)
    {
        try
        {
            return await events.SubscribeAsync(feed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The node's silo is not there (starting or stopping): NSMgr's monitor client retries.
            throw new RpcException(new Status(StatusCode.Unavailable, $"the forwarder cannot watch its connections now: {ex.Message}"));
        }
    }
}
