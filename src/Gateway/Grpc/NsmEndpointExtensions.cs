using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SriovForwarder.Gateway.Authorization;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>Registers and maps the NSM gRPC services of the forwarder.</summary>
public static class NsmEndpointExtensions
{
    /// <summary>
    /// Adds the options and the connection-event source of MonitorConnections (observers of the node's monitor grain).
    /// The chain's own clients (next hop, registry) are the silo's: <c>AddNsmOutbound</c> in the Grains project.
    /// </summary>
    public static IServiceCollection AddNsmEndpoint(this IServiceCollection services, Action<NsmEndpointOptions> endpoint)
    {
        services.Configure(endpoint);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IConnectionEventSource, MonitorGrainEventSource>();
        // Tokens and policies apply when the host also registers an SVID source (SPIFFE mode); see NsmServerSecurity.
        services.TryAddSingleton<ICallerCertificate, TlsCallerCertificate>();
        services.TryAddSingleton<NsmServerSecurity>();
        return services;
    }

    /// <summary>Maps <c>networkservice.NetworkService</c> and <c>connection.MonitorConnection</c> (the host calls <c>AddGrpc</c>).</summary>
    public static IEndpointRouteBuilder MapNsmEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<NetworkServiceEndpoint>();
        endpoints.MapGrpcService<MonitorConnectionService>();
        return endpoints;
    }
}
