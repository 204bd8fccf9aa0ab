using Microsoft.Extensions.Hosting;

namespace SriovForwarder.Gateway.Hosting;

/// <summary>
/// A background service that starts stopping at the host's first stopping step (<see cref="StoppingAsync"/>, which the
/// host runs for every service one after another, before Kestrel and the others stop) and is awaited in
/// <see cref="StopAsync"/>: its stop work (<see cref="StopWorkAsync"/>) runs once, off the caller's thread.
/// </summary>
public abstract class EarlyStoppingService : BackgroundService, IHostedLifecycleService
{
    private readonly Lock _stopLock = new();
    private Task? _stopping;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Only start here: the host runs every service's StoppingAsync one after another; StopAsync awaits the work.
        _ = BeginStop(cancellationToken);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public sealed override Task StopAsync(CancellationToken cancellationToken) => BeginStop(cancellationToken);

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The service's stop, run once; it calls <see cref="StopLoopAsync"/> first to end <c>ExecuteAsync</c>.</summary>
    protected abstract Task StopWorkAsync(CancellationToken cancellationToken);

    /// <summary>Cancels <c>ExecuteAsync</c> and waits for it to end (<see cref="BackgroundService.StopAsync"/>).</summary>
    protected Task StopLoopAsync(CancellationToken cancellationToken) => base.StopAsync(cancellationToken);

    private Task BeginStop(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            // Off this thread: cancelling the loop may run its continuation inline.
            return _stopping ??= Task.Run(() => StopWorkAsync(cancellationToken), CancellationToken.None);
        }
    }
}
