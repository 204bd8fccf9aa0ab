using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SriovForwarder.Gateway.Telemetry;
using SriovForwarder.Grains.Telemetry;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for the process, as upstream: with <c>TELEMETRY=true</c> traces and metrics go over OTLP/gRPC to
/// <c>NSM_OPEN_TELEMETRY_ENDPOINT</c> (metrics every <c>NSM_METRICS_EXPORT_INTERVAL</c>), service name <c>NSM_NAME</c>,
/// W3C trace context, every trace sampled. Independently, the ops listener serves the same metrics as Prometheus text.
/// </summary>
public static class TelemetryWiring
{
    /// <summary>Orleans' own meter (grain calls, messaging, activations).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources, active with <c>AddActivityPropagation</c>: a span per grain call.</summary>
    public static readonly IReadOnlyList<string> OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>
    /// Cardinality limit of the metric streams that are not ours (Orleans', the runtime's, ASP.NET Core's). Every stream
    /// allocates its limit of metric points up front (about 140 bytes each): at OpenTelemetry's default of 2,000 the
    /// about 130 such streams held 38 MB of the idle process's heap (decision 032). Their tags (grain type, generation,
    /// route, status) take tens of values; past the limit OpenTelemetry folds further tag sets into one overflow point.
    /// </summary>
    public const int OtherStreamsCardinalityLimit = 200;

    /// <summary>Adds the meter and tracer providers the settings ask for; nothing when neither OTLP nor the ops listener is on.</summary>
    public static IServiceCollection AddForwarderTelemetry(this IServiceCollection services, ForwarderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var prometheus = settings.OpsListenOn is not null;
        if (!prometheus && !settings.TelemetryEnabled)
        {
            return services;
        }

        ForwarderMeters.EnsureInstruments();
        GatewayMeters.EnsureInstruments();
        services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(o => o.Interceptors.Add<NsmCallTelemetryInterceptor>());
        var endpoint = settings.TelemetryEnabled ? OtlpEndpoint(settings.OpenTelemetryEndpoint) : null;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(settings.Name, serviceInstanceId: settings.NodeName)
                .AddAttributes([new("k8s.node.name", settings.NodeName)]))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ForwarderMeters.Name, GatewayMeters.Name, OrleansMeter)
                    .AddRuntimeInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    // Ours keep the default limit: VFs by state per resource and PF grow with the node.
                    .AddView(instrument => instrument.Meter.Name is ForwarderMeters.Name or GatewayMeters.Name
                        ? null
                        : new MetricStreamConfiguration { CardinalityLimit = OtherStreamsCardinalityLimit });
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (endpoint is not null)
                {
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        exporter.Endpoint = endpoint;
                        exporter.Protocol = OtlpExportProtocol.Grpc;
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds =
                            (int)Math.Clamp(settings.MetricsExportInterval.TotalMilliseconds, 1, int.MaxValue);
                    });
                }
            });
        if (endpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new AlwaysOnSampler())
                .AddSource(GatewayActivitySource.Name, ForwarderActivitySource.Name)
                .AddSource([.. OrleansActivitySources])
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(exporter =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = OtlpExportProtocol.Grpc;
                    // Spans leave within a second: a Request's trace should reach the collector while someone looks for it.
                    exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                }));
        }

        return services;
    }

    /// <summary>The collector URL of <c>NSM_OPEN_TELEMETRY_ENDPOINT</c>: upstream's <c>host:port</c> means plaintext gRPC.</summary>
    public static Uri OtlpEndpoint(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Uri(value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value);
    }
}
