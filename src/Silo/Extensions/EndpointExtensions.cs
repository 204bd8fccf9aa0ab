using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Dashboard;
using SriovForwarder.Gateway.Fleet;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Ops;

namespace SriovForwarder.Silo.Extensions;

/// <summary>
/// Wires the HTTP side: which listener serves which group of endpoints (decision 016). This is the one place that says
/// so: <see cref="MapForwarderEndpoints"/> maps each group for its <see cref="ListenerSurface"/>, and each listener marks
/// its connections with its surface; any other pairing answers 404.
/// </summary>
public static class EndpointExtensions
{
    /// <summary>Listens on the dashboard address (HTTP/1.1: browsers speak HTTP/2 only over TLS).</summary>
    public static void ConfigureForwarderEndpoints(this KestrelServerOptions kestrel, ForwarderSettings settings)
    {
        if (settings.DashboardListenOn is { } dashboard)
        {
            kestrel.ListenHttp1(dashboard, ListenerSurface.Dashboard);
        }

    }

    /// <summary>
    /// Maps every endpoint group on its listener: NSM gRPC on the NSM socket and TCP listener, the dashboard, the
    /// diagnostics endpoint. A new surface (a web page, an API) is one more line here and one listener. The ops endpoints
    /// are the exception: they live on <see cref="OpsServer"/>, which must answer before and after this Kestrel does.
    /// </summary>
    public static void MapForwarderEndpoints(this WebApplication app, ForwarderSettings settings)
    {
        app.UseRouting();
        app.UseMiddleware<SurfaceFilterMiddleware>();

        app.MapSurface(ListenerSurface.Nsm, nsm =>
        {
            nsm.MapNsmEndpoint();
            nsm.MapNsmHealth();
        });
        if (settings.DashboardListenOn is not null)
        {
            app.MapSurface(ListenerSurface.Dashboard, dashboard =>
            {
                dashboard.MapOrleansDashboard("/dashboard");
                dashboard.MapFleetPage();
            });
        }

        if (settings.FleetListenOn is not null)
        {
            app.MapSurface(ListenerSurface.Fleet, fleet => fleet.MapGrpcService<FleetApiService>());
        }

        if (settings.PprofEnabled)
        {
            app.MapSurface(ListenerSurface.Diagnostics, diagnostics => diagnostics.MapDiagnostics());
        }

        FleetWiring.LogFleetSurfaces(app.Logger, settings);
    }

    /// <summary>Listens on <paramref name="address"/> with HTTP/1.1 for <paramref name="surface"/>; a host name is Kestrel's localhost.</summary>
    public static void ListenHttp1(this KestrelServerOptions kestrel, HostPort address, ListenerSurface surface)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(address);
        void Configure(ListenOptions o)
        {
            o.Protocols = HttpProtocols.Http1;
            o.Serve(surface);
        }

        if (IPAddress.TryParse(address.Host, out var ip))
        {
            kestrel.Listen(ip, address.Port, Configure);
        }
        else
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
    }

    // A route group without a prefix: its endpoints carry ServedOn(surface), which SurfaceFilterMiddleware checks.
    private static void MapSurface(this IEndpointRouteBuilder app, ListenerSurface surface, Action<IEndpointRouteBuilder> map)
    {
        var group = app.MapGroup(string.Empty);
        group.WithMetadata(new ServedOn(surface));
        map(group);
    }
}
