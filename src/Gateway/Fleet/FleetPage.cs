using System.Reflection;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Fleet;

/// <summary>
/// The SR-IOV web page on the dashboard listener: <c>/sriov</c> (plain HTML and a small script, no build step), its
/// data as <c>/sriov/fleet.json</c> (the API's <c>FleetView</c> as JSON) and <c>/sriov/events</c> (server-sent events:
/// the whole view again at every change the fleet grain tells, so the page updates without reload).
/// </summary>
public static class FleetPage
{
    /// <summary>The page's path.</summary>
    public const string Path = "/sriov";

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly Lazy<string> Html = new(LoadHtml);

    /// <summary>Maps the page and its data (the host maps them in the dashboard listener's group).</summary>
    public static IEndpointRouteBuilder MapFleetPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, () => Results.Content(Html.Value, "text/html; charset=utf-8"));
        endpoints.MapGet(Path + "/fleet.json", async (IGrainFactory grains, CancellationToken cancellationToken) =>
            Results.Content(Json.Format(FleetMessages.View(
                await grains.GetGrain<IFleetGrain>(IFleetGrain.Key).GetNodesAsync().WaitAsync(cancellationToken))), "application/json"));
        endpoints.MapGet(Path + "/events", StreamAsync);
        return endpoints;
    }

    private static async Task StreamAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var (watch, nodes) = await FleetWatch.StartAsync(grains, cancellationToken);
        await using (watch)
        {
            var byName = nodes.ToDictionary(n => n.Node, StringComparer.Ordinal);
            try
            {
                await SendAsync(http.Response, byName, cancellationToken);
                while (await watch.Changes.WaitToReadAsync(cancellationToken))
                {
                    // Changes that came together go out as one event.
                    while (watch.Changes.TryRead(out var node))
                    {
                        byName[node.Node] = node;
                    }

                    await SendAsync(http.Response, byName, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The browser went away.
            }
        }
    }

    private static async Task SendAsync(HttpResponse response, Dictionary<string, FleetNode> nodes, CancellationToken cancellationToken)
    {
        var view = FleetMessages.View(nodes.Values.OrderBy(n => n.Node, StringComparer.Ordinal));
        await response.WriteAsync($"event: fleet\ndata: {Json.Format(view)}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static string LoadHtml()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SriovForwarder.Gateway.Fleet.sriov.html")
            ?? throw new InvalidOperationException("the SR-IOV page (Fleet/sriov.html) is not embedded in the Gateway assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
