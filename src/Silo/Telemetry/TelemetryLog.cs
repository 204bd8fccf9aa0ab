using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Telemetry;

/// <summary>The start-up line saying where telemetry goes (event ids 6000–6099: ops listener and telemetry).</summary>
public static partial class TelemetryLog
{
    /// <summary>Logs where traces and metrics go, once the forwarder is ready.</summary>
    public static void Describe(ILogger logger, ForwarderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var metrics = settings.OpsListenOn is { } ops ? $"http://{ops}/metrics" : "off (NSM_OPS_LISTEN_ON is empty)";
        if (settings.TelemetryEnabled)
        {
            LogExporting(logger, TelemetryWiring.OtlpEndpoint(settings.OpenTelemetryEndpoint).ToString(), settings.MetricsExportInterval.TotalSeconds, metrics);
        }
        else
        {
            LogNotExporting(logger, metrics);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "Telemetry: traces and metrics go over OTLP/gRPC to {Endpoint} (metrics every {IntervalSeconds} s); Prometheus metrics: {Metrics}")]
    private static partial void LogExporting(ILogger logger, string endpoint, double intervalSeconds, string metrics);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Telemetry: no OTLP export (TELEMETRY=false); Prometheus metrics: {Metrics}")]
    private static partial void LogNotExporting(ILogger logger, string metrics);
}
