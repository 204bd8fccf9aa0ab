using SriovForwarder.Kernel.Namespaces;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>The real <see cref="IRouteNetlinkFactory"/>: libc netlink sockets.</summary>
public sealed class RouteNetlinkFactory : IRouteNetlinkFactory
{
    /// <inheritdoc />
    public IRouteNetlink OpenHost() => RouteNetlink.Open();

    /// <inheritdoc />
    public IRouteNetlink OpenIn(INetworkNamespace target) => RouteNetlink.OpenIn(NetworkNamespace.Of(target));
}
