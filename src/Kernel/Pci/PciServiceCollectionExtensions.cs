using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SriovForwarder.Kernel.Pci;

/// <summary>Registers the sysfs PCI inventory with dependency injection.</summary>
public static class PciServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IPciDevices"/> over sysfs, configured through <see cref="PciOptions"/>.</summary>
    public static IServiceCollection AddSysfsPciDevices(this IServiceCollection services, Action<PciOptions>? configure = null)
    {
        var options = services.AddOptions<PciOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<IPciDevices, SysfsPciDevices>();
        return services;
    }
}
