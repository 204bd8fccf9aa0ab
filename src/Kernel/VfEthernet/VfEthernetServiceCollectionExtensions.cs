using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Kernel.VfEthernet;

/// <summary>Registers how VF MAC and VLAN are programmed: through the PF on hardware, or the simulated node's way.</summary>
public static class VfEthernetServiceCollectionExtensions
{
    /// <summary>Adds the hardware path (<see cref="NetlinkVfEthernetSettings"/>) unless another one was registered.</summary>
    public static IServiceCollection AddVfEthernetSettings(this IServiceCollection services)
    {
        services.AddNetworkNamespaces();
        services.TryAddSingleton<IVfEthernetSettings, NetlinkVfEthernetSettings>();
        return services;
    }

    /// <summary>
    /// SIMULATION ONLY: programs VF MAC and VLAN the simulated node's way (<see cref="SimulatedNodeVfEthernetSettings"/>),
    /// because the simulated PF has no VF table. Call it when the forwarder runs on the simulated node.
    /// </summary>
    public static IServiceCollection AddSimulatedNodeVfEthernetSettings(this IServiceCollection services)
    {
        services.RemoveAll<IVfEthernetSettings>();
        services.AddSingleton<IVfEthernetSettings, SimulatedNodeVfEthernetSettings>();
        return services;
    }
}
