namespace SriovForwarder.Gateway.Grpc;

/// <summary>Where MonitorConnections streams get this node's connection events from.</summary>
public interface IConnectionEventSource
{
    /// <summary>
    /// Subscribes <paramref name="feed"/>: its first event is the initial state transfer, then every UPDATE and DELETE,
    /// until the returned subscription is disposed (which also completes the feed).
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(ConnectionEventFeed feed, CancellationToken cancellationToken);
}
