using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// A sub-chain used as one element (a mechanism's branch): its elements run in order and then
/// continue with the outer chain's <c>next</c>, so their post-work runs after the rest of the chain.
/// </summary>
public sealed class ChainSegment(params IChainElement[] elements) : IChainElement, IRefreshableElement
{
    /// <summary>The elements of the segment, in call order.</summary>
    public IReadOnlyList<IChainElement> Elements => elements;

    /// <inheritdoc />
    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next) =>
        ChainBuilder.Build(elements, next).RequestAsync(request, context);

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next) =>
        ChainBuilder.Build(elements, next).CloseAsync(connection, context);

    /// <summary>Refreshes the segment's refreshable elements in post-work order (last element first).</summary>
    public async Task RefreshAsync(Connection result, ChainContext context)
    {
        for (var i = elements.Length - 1; i >= 0; i--)
        {
            if (elements[i] is IRefreshableElement refreshable)
            {
                await refreshable.RefreshAsync(result, context);
            }
        }
    }
}
