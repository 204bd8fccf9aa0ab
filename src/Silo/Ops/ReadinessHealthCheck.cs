using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SriovForwarder.Silo.Ops;

/// <summary>
/// The readiness as an ASP.NET Core health check: gRPC health on the NSM socket (every service name maps to every check)
/// answers NOT_SERVING while it is unhealthy, so it tells what <c>/readyz</c> tells.
/// </summary>
public sealed class ReadinessHealthCheck(ReadinessState readiness) : IHealthCheck
{
    /// <summary>The check's registration name.</summary>
    public const string Name = "forwarder-readiness";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var conditions = readiness.Conditions();
        var unmet = conditions.Where(c => !c.Met).Select(c => $"{c.Name}: {c.Detail}").ToList();
        return Task.FromResult(unmet.Count == 0
            ? HealthCheckResult.Healthy("ready")
            : HealthCheckResult.Unhealthy("not ready: " + string.Join("; ", unmet)));
    }
}
