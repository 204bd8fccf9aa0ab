using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// The forwarder's <c>connection.MonitorConnection</c>: an initial snapshot of this node's connections,
/// then their UPDATE and DELETE events, filtered by the scope selector, until the client goes away.
/// </summary>
public sealed class MonitorConnectionService(ConnectionEventHub hub) : MonitorConnection.MonitorConnectionBase
{
    /// <inheritdoc />
    public override async Task MonitorConnections(MonitorScopeSelector request, IServerStreamWriter<ConnectionEvent> responseStream, ServerCallContext context)
    {
        using var subscription = hub.Subscribe(request);
        try
        {
            await foreach (var connectionEvent in subscription.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(connectionEvent, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away: the stream simply ends.
        }
    }
}
