using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Gateway.Telemetry;

/// <summary>
/// Measures every NetworkService Request and Close (count and latency by mechanism and gRPC status) and wraps it in a
/// span, outside the service so the service itself carries no telemetry. Other gRPC calls pass through untouched.
/// </summary>
public sealed class NsmCallTelemetryInterceptor : Interceptor
{
    private static readonly HashSet<string> KnownMechanisms = new(["KERNEL", "VFIO", "NOOP"], StringComparer.Ordinal);

    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var method = request switch
        {
            NetworkServiceRequest => "Request",
            Connection => "Close",
            _ => null,
        };
        if (method is null)
        {
            return await continuation(request, context);
        }

        var mechanism = MechanismOf(request);
        using var span = GatewayActivitySource.Source.StartActivity($"NetworkService/{method}", ActivityKind.Internal);
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await continuation(request, context);
            if (response is Connection answered && answered.Mechanism?.Type is { Length: > 0 } chosen)
            {
                mechanism = Bounded(chosen);
            }

            span?.SetTag("nsm.mechanism", mechanism);
            GatewayMeters.RecordNsmCall(method, mechanism, nameof(StatusCode.OK), clock.Elapsed);
            return response;
        }
        catch (Exception ex)
        {
            var status = ex is RpcException rpc ? rpc.StatusCode : StatusCode.Unknown;
            span?.SetTag("nsm.mechanism", mechanism).SetStatus(ActivityStatusCode.Error, status.ToString());
            GatewayMeters.RecordNsmCall(method, mechanism, status.ToString(), clock.Elapsed);
            throw;
        }
    }

    // What the caller asked for: the connection's mechanism (a refresh, a Close) or its first preference.
    private static string MechanismOf(object request) => Bounded(request switch
    {
        NetworkServiceRequest r => r.Connection?.Mechanism?.Type is { Length: > 0 } type ? type
            : r.MechanismPreferences.FirstOrDefault()?.Type ?? "none",
        Connection c => c.Mechanism?.Type is { Length: > 0 } type ? type : "none",
        _ => "none",
    });

    // The caller chooses the string: anything but the mechanisms we serve is one label value, so a caller cannot grow
    // the number of series.
    private static string Bounded(string mechanism) => mechanism == "none" || KnownMechanisms.Contains(mechanism) ? mechanism : "other";
}
