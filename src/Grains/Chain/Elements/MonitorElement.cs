using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Outbound;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Publishes the connection for <c>MonitorConnection</c>: UPDATE after a successful Request, UPDATE
/// with state DOWN when a refresh fails, DELETE after Close. It sits after updatepath so the published
/// connection is in this forwarder's coordinates, as upstream's monitor element does.
/// </summary>
public sealed class MonitorElement(IConnectionEventSink sink) : IChainElement
{
    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
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
        return result;
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
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
