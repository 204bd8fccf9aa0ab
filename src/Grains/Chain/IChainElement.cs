using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// One step of the forwarder chain: pre-work, then <c>next</c>, then post-work, undoing
/// its own pre-work when the rest of the chain fails; Close runs the undo. Elements are singletons and
/// keep per-connection state only in the <see cref="ChainContext"/>.
/// </summary>
public interface IChainElement
{
    /// <summary>Handles a Request (first or refresh) and calls <paramref name="next"/> for the rest of the chain.</summary>
    Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next);

    /// <summary>Handles a Close and calls <paramref name="next"/> for the rest of the chain.</summary>
    Task CloseAsync(Connection connection, ChainContext context, IChainNext next);
}
