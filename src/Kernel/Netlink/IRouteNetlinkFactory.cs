using SriovForwarder.Kernel.Namespaces;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Opens rtnetlink connections in the host namespace or inside another one.</summary>
public interface IRouteNetlinkFactory
{
    /// <summary>A connection in the host namespace.</summary>
    IRouteNetlink OpenHost();

    /// <summary>A connection acting inside <paramref name="target"/>, opened without moving any caller thread.</summary>
    IRouteNetlink OpenIn(INetworkNamespace target);
}
