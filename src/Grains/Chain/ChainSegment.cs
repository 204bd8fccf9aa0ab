using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// A sub-chain used as one element (a mechanism's branch): its elements run in order and then
/// continue with the outer chain's <c>next</c>, so their post-work runs after the rest of the chain.
/// </summary>
public sealed class ChainSegment(params IChainElement[] elements) : IChainElement
{
    /// <summary>The elements of the segment, in call order.</summary>
    public IReadOnlyList<IChainElement> Elements => elements;

    /// <inheritdoc />
    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next) =>
        ChainBuilder.Build(elements, next).RequestAsync(request, context);

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next) =>
        ChainBuilder.Build(elements, next).CloseAsync(connection, context);
}
