using Microsoft.Extensions.Options;

namespace SriovForwarder.Grains.Health;

/// <summary>The rules of <see cref="NodeHealthOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class NodeHealthOptionsValidator : IValidateOptions<NodeHealthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeHealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var interval = options.ReconcileInterval;
        return interval < TimeSpan.Zero || (interval > TimeSpan.Zero && interval < NodeHealthOptions.MinimumReconcileInterval)
            ? ValidateOptionsResult.Fail(
                $"ReconcileInterval (NSM_HEALTH_RECONCILE_INTERVAL) is {interval.TotalMilliseconds} ms; use 0 (off) or at least {NodeHealthOptions.MinimumReconcileInterval.TotalMilliseconds} ms")
            : ValidateOptionsResult.Success;
    }
}
