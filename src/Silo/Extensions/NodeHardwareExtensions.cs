using SriovForwarder.Grains.Health;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Kernel.Health;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the boundary with this node's hardware: sysfs PCI access and the SR-IOV inventory.</summary>
public static class NodeHardwareExtensions
{
    /// <summary>Registers sysfs access under the configured roots and the inventory built from the SR-IOV config.</summary>
    public static IServiceCollection AddNodeHardware(this IServiceCollection services, ForwarderSettings settings, Grains.Configuration.SriovConfig config)
    {
        services.AddSingleton(TimeProvider.System);
        services.Configure<PciOptions>(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddSingleton<IPciDevices, SysfsPciDevices>();
        services.AddSingleton(config);
        services.AddSingleton<INodeInventorySource, SysfsNodeInventorySource>();
        services.AddHealthSources();
        return services;
    }

    /// <summary>Registers the device-health loop (link watcher and sysfs reconcile) with its options bound from the settings.</summary>
    public static IServiceCollection AddNodeHealth(this IServiceCollection services, ForwarderSettings settings)
    {
        services.AddOptions<NodeHealthOptions>().Configure(o => ForwarderOptionsBinding.Bind(o, settings));
        services.AddSingleton<LinkHealthForwarder>();
        // The link watch and the first health pass start once the NSM socket serves (decision 044).
        services.StartAfterServing(s => s.AddHostedService<Hosting.HealthLoop>());
        return services;
    }
}
