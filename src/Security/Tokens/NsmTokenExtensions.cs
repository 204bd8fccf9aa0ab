using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SriovForwarder.Security.Tokens;

/// <summary>Registers the token source shared by our NSM server (path tokens) and our clients (per-RPC tokens).</summary>
public static class NsmTokenExtensions
{
    /// <summary>
    /// Adds <see cref="NsmTokenSource"/> with <paramref name="maxLifetime"/> (<c>NSM_MAX_TOKEN_LIFETIME</c>). It signs only
    /// when an <c>ISvidSource</c> is registered too (SPIFFE mode).
    /// </summary>
    public static IServiceCollection AddNsmTokens(this IServiceCollection services, TimeSpan maxLifetime)
    {
        services.Configure<NsmTokenOptions>(o => o.MaxLifetime = maxLifetime);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PeerCertificates>();
        services.TryAddSingleton<Authorization.ConnectionOwners>();
        services.TryAddSingleton<NsmTokenSource>();
        return services;
    }
}
