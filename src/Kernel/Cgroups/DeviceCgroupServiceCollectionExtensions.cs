using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Bpf;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Registers the device grant controllers (cgroup v1 rules, cgroup v2 device programs, and the per-request choice between them).</summary>
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

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeviceCgroupOptions>, DeviceCgroupOptionsValidator>());
        options.ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBpf, BpfSyscalls>();
        services.TryAddSingleton<DeviceCgroupController>();
        services.TryAddSingleton<DeviceProgramController>();
        services.TryAddSingleton<IDeviceCgroupController, HierarchyDeviceCgroupController>();
        services.AddHostedService<DeviceCgroupStartupLog>();
        services.AddHostedService<DeviceProgramReconciler>();
        return services;
    }
}
