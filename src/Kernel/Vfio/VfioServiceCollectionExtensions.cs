using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>Registers the VFIO device-number reader with dependency injection.</summary>
public static class VfioServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IVfioDevices"/>, configured through <see cref="VfioOptions"/> (an absolute VfioPath, checked at start).</summary>
    public static IServiceCollection AddVfioDevices(this IServiceCollection services, Action<VfioOptions>? configure = null)
    {
        var options = services.AddOptions<VfioOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VfioOptions>, VfioOptionsValidator>());
        options.ValidateOnStart();
        services.TryAddSingleton<IVfioDevices, VfioDevices>();
        return services;
    }
}
