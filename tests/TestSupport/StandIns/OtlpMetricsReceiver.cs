using Grpc.Core;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>The stand-in collector's <c>opentelemetry.proto.collector.metrics.v1.MetricsService</c>: keeps every metric.</summary>
public sealed class OtlpMetricsReceiver(StandInOtlpReceiver receiver) : MetricsService.MetricsServiceBase
{
    /// <inheritdoc />
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var metric in request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics))
        {
            receiver.Metrics.Enqueue(metric);
        }

        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}
