using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Registers the cgroup-v1 device rule controller with dependency injection.</summary>
public static class DeviceCgroupServiceCollectionExtensions
{
    /// <summary>Adds one process-wide <see cref="IDeviceCgroupController"/> (it holds the reference counts), configured through <see cref="DeviceCgroupOptions"/>.</summary>
    public static IServiceCollection AddDeviceCgroupController(
        this IServiceCollection services, Action<DeviceCgroupOptions>? configure = null)
    {
        var options = services.AddOptions<DeviceCgroupOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => Path.IsPathFullyQualified(o.CgroupRoot ?? ""), "CgroupRoot (NSM_CGROUP_PATH) must be an absolute path")
            .ValidateOnStart();
        services.TryAddSingleton<IDeviceCgroupController, DeviceCgroupController>();
        return services;
    }
}
