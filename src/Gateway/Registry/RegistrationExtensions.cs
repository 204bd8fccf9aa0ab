using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace SriovForwarder.Gateway.Registry;

/// <summary>Registers the <see cref="RegistrationService"/> as a hosted service.</summary>
public static class RegistrationExtensions
{
    /// <summary>Adds the background registration with the NSM registry, configured by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddNsmRegistration(this IServiceCollection services, Action<RegistrationOptions> configure)
    {
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RegistrationService>());
        return services;
    }
}
