using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.NextHop;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>Registers and maps the NSM gRPC services of the forwarder and the clients the chain needs.</summary>
public static class NsmEndpointExtensions
{
    /// <summary>
    /// Adds the event hub (also as the grains' <see cref="IConnectionEventSink"/>), the next-hop and
    /// registry clients (as <see cref="INextHopClient"/> and <see cref="INsmRegistryClient"/>) and the options.
    /// Register these in the silo's services so the connection grains find them.
    /// </summary>
    public static IServiceCollection AddNsmEndpoint(this IServiceCollection services, Action<NsmEndpointOptions> endpoint, Action<NextHopOptions> nextHop)
    {
        services.Configure(endpoint);
        services.Configure(nextHop);
        services.AddSingleton<ConnectionEventHub>();
        services.AddSingleton<IConnectionEventSink>(sp => sp.GetRequiredService<ConnectionEventHub>());
        services.AddSingleton<INextHopClient, NextHopClient>();
        services.AddSingleton<INsmRegistryClient, RegistryClient>();
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
