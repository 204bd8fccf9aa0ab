using System.Text;
using OpenTelemetry.Metrics;

namespace SriovForwarder.Silo.Ops;

/// <summary>The ops listener's endpoints: <c>/healthz</c> (live), <c>/readyz</c> (ready) and <c>/metrics</c> (Prometheus text).</summary>
public static class OpsEndpoints
{
    /// <summary>Liveness: 200 while the process answers HTTP.</summary>
    public const string LivePath = "/healthz";

    /// <summary>Readiness: 200 when <see cref="ReadinessState"/> holds, else 503; the body lists each condition.</summary>
    public const string ReadyPath = "/readyz";

    /// <summary>Prometheus text exposition of every meter of the process.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Maps the three endpoints on the ops server, reading the forwarder's <paramref name="readiness"/> and <paramref name="meters"/>.</summary>
    public static void MapOps(this IEndpointRouteBuilder endpoints, ReadinessState readiness, MeterProvider meters)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        endpoints.MapGet(LivePath, () => Results.Text("ok\n"));
        endpoints.MapGet(ReadyPath, () =>
        {
            var conditions = readiness.Conditions();
            var ready = conditions.All(c => c.Met);
            var body = new StringBuilder(ready ? "ready\n" : "not ready\n");
            foreach (var condition in conditions)
            {
                body.Append(condition.Met ? "ok   " : "FAIL ").Append(condition.Name).Append(": ").Append(condition.Detail).Append('\n');
            }

            return Results.Text(body.ToString(), statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meters, configureBranchedPipeline: null, optionsName: null);
    }
}
