using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SriovForwarder.Gateway.Registry;

/// <summary>The <c>grpc.health.v1.Health</c> service of the NSM socket, answering for the services upstream names (§6.12).</summary>
public static class NsmHealthExtensions
{
    /// <summary>The service names that report SERVING besides the overall status <c>""</c>.</summary>
    public static readonly IReadOnlyList<string> ServiceNames = ["networkservice.NetworkService", "connection.MonitorConnection"];

    /// <summary>
    /// Adds the health service; every name maps to all registered ASP.NET Core health checks, among them one that is
    /// healthy whenever the process answers (the gRPC health service reports UNKNOWN when no check exists at all).
    /// </summary>
    public static IServiceCollection AddNsmHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck("nsm-endpoint", () => HealthCheckResult.Healthy("serving on the NSM socket"));
        services.AddGrpcHealthChecks(o =>
        {
            foreach (var name in ServiceNames)
            {
                o.Services.Map(name, _ => true);
            }
        });
        return services;
    }

    /// <summary>Maps <c>grpc.health.v1.Health</c> (Check and Watch).</summary>
    public static IEndpointRouteBuilder MapNsmHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcHealthChecksService();
        return endpoints;
    }
}
