using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Spiffe.Tls;

namespace SriovForwarder.Security.Spiffe;

/// <summary>Registers our SPIFFE identity and the mutual TLS built from it.</summary>
public static class SpiffeServiceExtensions
{
    /// <summary>
    /// Adds <paramref name="source"/> as <see cref="ISvidSource"/>, the <see cref="SvidCredentials"/> our listeners
    /// present, and <see cref="SpiffeClientTls"/> as the <see cref="IClientConnectionSecurity"/> of every NSM client
    /// (registry, next hop). Without this call those clients speak plaintext: there is no fallback once it is made.
    /// </summary>
    public static IServiceCollection AddSpiffeMutualTls(this IServiceCollection services, ISvidSource source)
    {
        services.TryAddSingleton(source);
        services.TryAddSingleton<SvidCredentials>();
        services.TryAddSingleton<SpiffeClientTls>();
        services.TryAddSingleton<IClientConnectionSecurity>(sp => sp.GetRequiredService<SpiffeClientTls>());
        return services;
    }
}
