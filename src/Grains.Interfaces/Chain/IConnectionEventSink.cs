using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Interfaces.Chain;

/// <summary>
/// Receives the connection events of this node's connection grains (UPDATE after a Request, DELETE
/// after a Close) for <c>MonitorConnection</c>; a silo-local singleton shared with the co-hosted gateway.
/// </summary>
public interface IConnectionEventSink
{
    /// <summary>Publishes one event; <paramref name="connection"/> is not kept by the caller afterwards.</summary>
    void Publish(ConnectionEventType type, Connection connection);
}
