using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Chain;

/// <summary>An element bound to the rest of the chain after it.</summary>
internal sealed class ChainLink(IChainElement element, IChainNext next) : IChainNext
{
    public IChainElement Element => element;

    public IChainNext Next => next;

    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context) =>
        element.RequestAsync(request, context, next);

    public Task CloseAsync(Connection connection, ChainContext context) =>
        element.CloseAsync(connection, context, next);
}
