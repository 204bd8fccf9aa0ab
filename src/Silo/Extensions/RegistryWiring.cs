using SriovForwarder.Gateway.Registry;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the forwarder's registration with the NSM registry and the gRPC health service on the NSM socket.</summary>
public static class RegistryWiring
{
    /// <summary>Registers as <c>NSM_NAME</c> under <c>NSM_NSNAME</c> with <c>NSM_LABELS</c> at <c>NSM_CONNECT_TO</c>, advertising <c>unix://<paramref name="socketPath"/></c>.</summary>
    public static IServiceCollection AddNsmRegistration(this IServiceCollection services, ForwarderSettings settings, string socketPath)
    {
        services.AddNsmHealth();
        // Once the NSM socket serves (decision 044): NSMgr may call as soon as it hears of us.
        services.StartAfterServing(s => s.AddNsmRegistration(o => ForwarderOptionsBinding.Bind(o, settings, socketPath)));
        return services;
    }
}
