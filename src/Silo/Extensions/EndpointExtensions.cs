using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Dashboard;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the HTTP side: where Kestrel listens and what it serves (the dashboard; the NSM endpoints).</summary>
public static class EndpointExtensions
{
    /// <summary>Listens on the dashboard address (HTTP/1.1: browsers speak HTTP/2 only over TLS).</summary>
    public static void ConfigureForwarderEndpoints(this KestrelServerOptions kestrel, ForwarderSettings settings)
    {
        if (settings.DashboardListenOn is { } dashboard)
        {
            if (IPAddress.TryParse(dashboard.Host, out var ip))
            {
                kestrel.Listen(ip, dashboard.Port, o => o.Protocols = HttpProtocols.Http1);
            }
            else
            {
                kestrel.ListenLocalhost(dashboard.Port, o => o.Protocols = HttpProtocols.Http1);
            }
        }
    }

    /// <summary>Maps the dashboard at <c>/dashboard</c> when it is enabled.</summary>
    public static void MapForwarderEndpoints(this WebApplication app, ForwarderSettings settings)
    {
        if (settings.DashboardListenOn is not null)
        {
            app.MapOrleansDashboard("/dashboard");
        }
    }
}
