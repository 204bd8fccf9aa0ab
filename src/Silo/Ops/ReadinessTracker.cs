namespace SriovForwarder.Silo.Ops;

/// <summary>
/// Feeds <see cref="ReadinessState"/> from the host's life: registered right after the node's start-up check, so its
/// start means the node grain is active; the host's started and stopping events mark serving and shutting down.
/// </summary>
public sealed class ReadinessTracker(ReadinessState readiness, IHostApplicationLifetime lifetime) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        readiness.NodeChecked();
        lifetime.ApplicationStarted.Register(readiness.Started);
        // Stopping fires before any hosted service or listener stops, so probes see "not ready" for the whole shutdown.
        lifetime.ApplicationStopping.Register(readiness.Stopping);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        readiness.Stopping();
        return Task.CompletedTask;
    }
}
