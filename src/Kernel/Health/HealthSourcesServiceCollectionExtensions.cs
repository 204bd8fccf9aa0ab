using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SriovForwarder.Kernel.Health;

/// <summary>Registers the kernel's device-health sources: the rtnetlink link watcher and the sysfs probe of the periodic reconcile.</summary>
public static class HealthSourcesServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ILinkStateWatcher"/> and <see cref="IFunctionHealthProbe"/> unless already registered (tests put fakes first).</summary>
    public static IServiceCollection AddHealthSources(this IServiceCollection services)
    {
        services.TryAddSingleton<ILinkStateWatcher, RtnetlinkLinkWatcher>();
        services.TryAddSingleton<IFunctionHealthProbe, SysfsFunctionHealthProbe>();
        return services;
    }
}
