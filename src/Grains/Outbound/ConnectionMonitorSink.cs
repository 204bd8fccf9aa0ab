using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// Publishes connection events to the node's <see cref="IConnectionMonitorGrain"/> with a one-way call: the Request and
/// Close paths pay for sending one message, never for a round trip.
/// </summary>
public sealed class ConnectionMonitorSink(IGrainFactory grains) : IConnectionEventSink
{
    // The monitor is node-bound and so is every publisher: one counter in this silo orders all of the node's events.
    private long _order;

    /// <inheritdoc />
    public void Publish(string node, ConnectionEventType type, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var connectionEvent = new ConnectionEvent { Type = type, Connections = { [connection.Id] = connection } };
        grains.GetGrain<IConnectionMonitorGrain>(node).PublishAsync(connectionEvent, Interlocked.Increment(ref _order)).Ignore();
    }
}
