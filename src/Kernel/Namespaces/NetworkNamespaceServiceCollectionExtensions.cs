using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Kernel.Namespaces;

/// <summary>Registers the kernel's network namespaces and rtnetlink connections.</summary>
public static class NetworkNamespaceServiceCollectionExtensions
{
    /// <summary>Adds <see cref="INetworkNamespaces"/> and <see cref="IRouteNetlinkFactory"/> unless a test registered its own.</summary>
    public static IServiceCollection AddNetworkNamespaces(this IServiceCollection services)
    {
        services.TryAddSingleton<INetworkNamespaces, NetworkNamespaces>();
        services.TryAddSingleton<IRouteNetlinkFactory, RouteNetlinkFactory>();
        return services;
    }
}
