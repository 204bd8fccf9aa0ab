using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>The stand-in collector's <c>opentelemetry.proto.collector.trace.v1.TraceService</c>: keeps every span.</summary>
public sealed class OtlpTraceReceiver(StandInOtlpReceiver receiver) : TraceService.TraceServiceBase
{
    /// <inheritdoc />
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var span in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
        {
            receiver.Spans.Enqueue(span);
        }

        return Task.FromResult(new ExportTraceServiceResponse());
    }
}
