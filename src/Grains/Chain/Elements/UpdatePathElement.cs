using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Upstream's server updatepath: points the connection at this forwarder's path segment (named
/// <c>NSM_NAME</c>, id = the connection grain's id) for the rest of the chain and answers in the
/// caller's coordinates. It sits right after validation so that every later element and the next hop
/// see this forwarder's segment as the current one.
/// </summary>
public sealed class UpdatePathElement(string name) : IChainElement
{
    /// <summary>The forwarder's name in the path (NSM_NAME).</summary>
    public string Name => name;

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        request.Connection ??= new Connection();
        var callerIndex = Apply(request.Connection, context);
        var result = await next.RequestAsync(request, context);
        if (result.Path is { } path && callerIndex < path.PathSegments.Count)
        {
            result.Id = path.PathSegments[(int)callerIndex].Id;
            path.Index = callerIndex;
        }

        return result;
    }

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        Apply(connection, context);
        return next.CloseAsync(connection, context);
    }

    private uint Apply(Connection connection, ChainContext context)
    {
        var callerIndex = ForwarderPath.Update(connection, name, context.ConnectionId);
        if (connection.Id != context.ConnectionId)
        {
            throw new ForwarderException(ForwarderErrorCode.Internal,
                $"the connection's segment id \"{connection.Id}\" differs from the connection grain's id \"{context.ConnectionId}\"");
        }

        return callerIndex;
    }
}
