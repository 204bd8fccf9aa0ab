using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// Where the chain and the connection grain publish connection events (UPDATE after a Request, DELETE after a Close) for
/// <c>MonitorConnection</c>; <see cref="ConnectionMonitorSink"/> passes them to the node's monitor grain without waiting.
/// </summary>
public interface IConnectionEventSink
{
    /// <summary>Publishes one event of <paramref name="node"/>; <paramref name="connection"/> is not kept by the caller afterwards.</summary>
    void Publish(string node, ConnectionEventType type, Connection connection);
}
