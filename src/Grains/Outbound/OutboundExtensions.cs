using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SriovForwarder.Grains.Outbound;

/// <summary>Registers how the chain reaches the NSM peers outside the silo: the next hop and the registry.</summary>
public static class OutboundExtensions
{
    /// <summary>Adds <see cref="NextHopClient"/> and <see cref="RegistryClient"/>, configured by <paramref name="configure"/>, unless a test registered its own.</summary>
    public static IServiceCollection AddNsmOutbound(this IServiceCollection services, Action<NextHopOptions> configure)
    {
        services.Configure(configure);
        services.TryAddSingleton<INextHopClient, NextHopClient>();
        services.TryAddSingleton<INsmRegistryClient, RegistryClient>();
        return services;
    }
}
