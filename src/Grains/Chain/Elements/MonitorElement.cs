using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Monitor;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Publishes the connection for <c>MonitorConnection</c>: UPDATE after a successful Request, UPDATE
/// with state DOWN when a refresh fails, DELETE after Close. It sits after updatepath so the published
/// connection is in this forwarder's coordinates, as upstream's monitor element does. After a successful Request it
/// relays the next hop's events for the connection (<see cref="NextHopRelays"/>, §6.9); a new Request or the Close
/// stops that relay first (built without the relays, as in element tests: no relay).
/// </summary>
public sealed class MonitorElement(IConnectionEventSink sink, NextHopRelays? relays = null) : IChainElement
{
    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        relays?.Stop(context.Node, context.ConnectionId);
        var before = context.State.Established ? request.Connection.Clone() : null;
        Connection result;
        try
        {
            result = await next.RequestAsync(request, context);
        }
        catch
        {
            if (before is not null)
            {
                before.State = State.Down;
                sink.Publish(context.Node, ConnectionEventType.Update, before);
            }

            throw;
        }

        var published = result.Clone();
        published.State = State.Up;
        sink.Publish(context.Node, ConnectionEventType.Update, published);
        if (context.State.NextHopUrl is { } url)
        {
            relays?.Start(context.Node, context.ConnectionId, url, published.Clone());
        }

        return result;
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        relays?.Stop(context.Node, context.ConnectionId);
        try
        {
            await next.CloseAsync(connection, context);
        }
        finally
        {
            sink.Publish(context.Node, ConnectionEventType.Delete, connection.Clone());
        }
    }
}
