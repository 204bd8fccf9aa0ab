using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Upstream's resetmechanism around the mechanism branch: a refresh with the same mechanism type
/// bypasses the branch (no VF reselection, no cgroup change) except that the branch's refreshable elements
/// re-apply what the next hop's answer changed; a change of type closes the branch's work first and runs it
/// again. It wraps the branch so the branch's resources persist across refreshes.
/// </summary>
public sealed class ResetMechanismElement(IChainElement inner) : IChainElement
{
    /// <summary>The wrapped mechanism branch.</summary>
    public IChainElement Inner => inner;

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var stored = context.State.ServerMechanism is { } bytes ? Mechanism.Parser.ParseFrom(bytes) : null;
        if (stored is not null)
        {
            if (request.Connection.Mechanism?.Type == stored.Type)
            {
                // Upstream stops here, so a changed IP context or MAC/VLAN on refresh was never applied.
                var refreshed = await next.RequestAsync(request, context);
                if (inner is IRefreshableElement refreshable)
                {
                    await refreshable.RefreshAsync(refreshed, context);
                }

                return refreshed;
            }

            var closing = request.Connection.Clone();
            closing.Mechanism = stored;
            await inner.CloseAsync(closing, context, ChainTail.Instance);
            context.State.ServerMechanism = null;
            // The old branch's VF, grants and netdev are released: a crash from here on must not bring them back.
            await context.CheckpointAsync();
        }

        var result = await inner.RequestAsync(request, context, next);
        if (result.Mechanism is not null)
        {
            context.State.ServerMechanism = result.Mechanism.ToByteArrayOrEmpty();
        }

        return result;
    }

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        context.State.ServerMechanism = null;
        return inner.CloseAsync(connection, context, next);
    }
}
