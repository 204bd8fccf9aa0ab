using System.Diagnostics;
using System.Net;
using Grpc.Core;
using SriovForwarder.EndToEnd.Tests.Nsm;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>
/// <c>/metrics</c> on the ops listener and OTLP export to a stand-in collector, through the real executable: the VF and
/// token gauges, the Request latency histogram moving with a Request, and a trace per Request with a span per chain
/// element that continues the caller's W3C trace context.
/// </summary>
[Trait("Requires", "root")]
public sealed class MetricsEndToEndTests(OpsForwarderFixture fixture) : IClassFixture<OpsForwarderFixture>
{
    private const string RequestCount = "sriov_forwarder_nsm_call_duration_seconds_count";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Upstream's order, then the VFIO branch (resourcepool, vfio, ethernetcontext); the mechanisms switch is called by
    // resetmechanism directly and a branch (segment) makes no span of its own.
    private static readonly string[] VfioRequestSpans =
    [
        "Validate Request", "UpdatePath Request", "Monitor Request", "Discover Request", "RoundRobin Request",
        "ResetMechanism Request", "ResourcePool Request", "Vfio Request", "EthernetContext Request",
        "Connect Request",
    ];

    [RootFact("runs the forwarder as root: mknod'ed vfio nodes and driver binds on the simulated node")]
    public async Task Metrics_VfioRequest_VfGaugeShowsTheReservationAndTheRequestHistogramMoves()
    {
        fixture.Harness.AddContainerCgroup("pod-metrics", "c1");
        // The gauges follow the node's fleet report, up to 250 ms behind a change: "before" is read once the Close of the
        // class's other test shows, or its stale "reserved" would satisfy the wait below without this Request.
        var before = await Eventually.ValueAsync(ScrapeAsync, text => PrometheusText.Sum(text, "sriov_forwarder_vfs", "state=\"reserved\"") == 0, Patience);
        var requestsBefore = PrometheusText.Sum(before, RequestCount, "method=\"Request\"", "mechanism=\"VFIO\"", "result=\"OK\"");
        var token = await fixture.FreeTokenAsync();

        var connection = await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest("metrics-1", token, "pod-metrics/*"));
        // The node grain publishes its counts with its fleet report, at most 250 ms after the change.
        var after = await Eventually.ValueAsync(ScrapeAsync,
            text => PrometheusText.Sum(text, "sriov_forwarder_vfs", "state=\"reserved\"") >= 1, Patience);
        await fixture.Client.CloseAsync(connection);

        Assert.NotEmpty(PrometheusText.Samples(before, "sriov_forwarder_vfs"));
        Assert.True(PrometheusText.Sum(before, "sriov_forwarder_vfs", "state=\"free\"") >= 1, before);
        Assert.Equal(0d, PrometheusText.Sum(before, "sriov_forwarder_vfs", "state=\"reserved\""));
        Assert.NotEmpty(PrometheusText.Samples(before, "sriov_forwarder_tokens"));
        Assert.NotEmpty(PrometheusText.Samples(before, "sriov_forwarder_tokens_health"));
        Assert.True(PrometheusText.Sum(after, "sriov_forwarder_vfs", "state=\"reserved\"") >= 1, after);
        Assert.Equal(requestsBefore + 1, PrometheusText.Sum(after, RequestCount, "method=\"Request\"", "mechanism=\"VFIO\"", "result=\"OK\""));
        Assert.NotEmpty(PrometheusText.Samples(after, "sriov_forwarder_vf_allocation_duration_seconds_count"));
    }

    [RootFact("runs the forwarder as root: mknod'ed vfio nodes and driver binds on the simulated node")]
    public async Task Otlp_VfioRequestWithTraceContext_CollectorGetsTheTraceWithASpanPerChainElement()
    {
        fixture.Harness.AddContainerCgroup("pod-trace", "c1");
        var token = await fixture.FreeTokenAsync();
        var (requestTrace, callerSpan) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());
        var closeTrace = ActivityTraceId.CreateRandom().ToHexString();

        var connection = await fixture.Client.RequestAsync(
            NsmForwarderFixture.VfioRequest("trace-1", token, "pod-trace/*"), Traceparent(requestTrace, callerSpan));
        await fixture.Client.CloseAsync(connection, Traceparent(closeTrace, ActivitySpanId.CreateRandom().ToHexString()));
        // The span the caller's span parents ends last (it wraps the whole call), so the exporter may send it in a later
        // batch than the chain's spans: wait for both.
        var spans = await Eventually.ValueAsync(() => Task.FromResult(fixture.Collector.TraceOf(requestTrace)),
            s => VfioRequestSpans.All(name => s.Any(span => span.Name == name))
                && s.Any(span => Convert.ToHexStringLower(span.ParentSpanId.Span) == callerSpan), Patience);
        // Likewise for the Close: "Validate Close" wraps the chain's other Close spans and ends after them, so it may come
        // in a later batch than "ResourcePool Close": wait for both.
        var closeSpans = await Eventually.ValueAsync(() => Task.FromResult(fixture.Collector.TraceOf(closeTrace)),
            s => s.Any(span => span.Name == "ResourcePool Close") && s.Any(span => span.Name == "Validate Close"), Patience);

        var names = spans.Select(s => s.Name).ToList();
        Assert.All(VfioRequestSpans, name => Assert.Contains(name, names));
        // The caller's span is the parent of the first span the forwarder made: its trace continues here.
        Assert.Contains(spans, s => Convert.ToHexStringLower(s.ParentSpanId.Span) == callerSpan);
        // One trace per call: the Close is its own trace, with the chain's Close spans.
        Assert.Contains(closeSpans, s => s.Name == "Validate Close");
        Assert.DoesNotContain(spans, s => s.Name.EndsWith(" Close", StringComparison.Ordinal));
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task Otlp_Metrics_CollectorGetsTheForwarderAndOrleansMeters()
    {
        await Eventually.TrueAsync(() => fixture.Collector.Metrics.Any(m => m.Name == "sriov_forwarder.vfs")
            && fixture.Collector.Metrics.Any(m => m.Name == "sriov_forwarder.tokens")
            && fixture.Collector.Metrics.Any(m => m.Name.StartsWith("orleans", StringComparison.Ordinal)),
            "the stand-in collector received the VF, token and Orleans metrics", Patience);

        var vfs = fixture.Collector.Metrics.Last(m => m.Name == "sriov_forwarder.vfs");
        Assert.NotEmpty(vfs.Gauge.DataPoints);
        Assert.Contains(vfs.Gauge.DataPoints, p => p.Attributes.Any(a => a.Key == "pf"));
    }

    private async Task<string> ScrapeAsync()
    {
        var (status, body) = await SurfaceHttp.GetAsync(fixture.OpsPort, "/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private static Metadata Traceparent(string traceId, string spanId) => new() { { "traceparent", $"00-{traceId}-{spanId}-01" } };
}
