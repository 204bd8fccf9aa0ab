using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Rejects a malformed Request before anything is reserved or changed; it sits first in the chain so a
/// bad request leaves nothing behind. Close is not validated: closing must always be possible.
/// </summary>
public sealed class ValidateElement : IChainElement
{
    /// <inheritdoc />
    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        RequestValidator.Validate(request);
        return next.RequestAsync(request, context);
    }

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next) =>
        next.CloseAsync(connection, context);
}
