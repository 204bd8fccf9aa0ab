using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// A stand-in OpenTelemetry collector: serves OTLP/gRPC (<c>TraceService/Export</c>, <c>MetricsService/Export</c>) over
/// plaintext HTTP/2 on a loopback TCP port, as a collector's <c>otlp</c> receiver does on 4317, and keeps what arrives.
/// </summary>
public sealed class StandInOtlpReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    private StandInOtlpReceiver()
    {
    }

    /// <summary>Every span received, in arrival order.</summary>
    public ConcurrentQueue<Span> Spans { get; } = new();

    /// <summary>Every metric received, in arrival order (one entry per metric per export).</summary>
    public ConcurrentQueue<Metric> Metrics { get; } = new();

    /// <summary>The <c>host:port</c> to give the exporter (upstream's NSM_OPEN_TELEMETRY_ENDPOINT form).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>
    /// Starts the receiver on loopback <paramref name="port"/>, or on one the kernel picks (0). A caller that hands out
    /// ports to other listeners passes one of its own: a port the kernel picks may be one handed out but not bound yet.
    /// </summary>
    public static async Task<StandInOtlpReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var receiver = new StandInOtlpReceiver();
        builder.Services.AddSingleton(receiver);
        var app = builder.Build();
        receiver._app = app;
        app.MapGrpcService<OtlpTraceReceiver>();
        app.MapGrpcService<OtlpMetricsReceiver>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = $"127.0.0.1:{new Uri(address).Port}";
        return receiver;
    }

    /// <summary>The spans of one trace (trace id as 32 lowercase hex digits).</summary>
    public IReadOnlyList<Span> TraceOf(string traceIdHex) =>
        Spans.Where(s => Convert.ToHexStringLower(s.TraceId.Span) == traceIdHex).ToList();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
