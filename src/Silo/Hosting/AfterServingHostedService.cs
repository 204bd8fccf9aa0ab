namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Starts a hosted service only once the host has started (every hosted service and Kestrel, so the NSM socket
/// serves) instead of in its place in the start sequence, while it keeps its place in the stop sequence (decision 044).
/// For what the first NSM Request does not need (the device plugin, the registration, the health loop): their start
/// work then no longer competes for the two cores with the silo and Kestrel starting.
/// </summary>
/// <remarks>
/// A stop that begins before the host has started means the inner service is never started, and its stop steps are
/// skipped. The host watches the <see cref="BackgroundService.ExecuteTask"/> of the background services it starts and
/// stops the application when one fails; it cannot see through this wrapper, so the wrapper does the same.
/// </remarks>
public sealed partial class AfterServingHostedService(
    IHostedService inner, IHostApplicationLifetime lifetime, ILogger<AfterServingHostedService> logger) : IHostedLifecycleService
{
    private readonly Lock _lock = new();
    private Task? _start;
    private bool _stopping;

    /// <summary>The deferred service.</summary>
    public IHostedService Inner => inner;

    /// <summary>Whether the deferred service's start has begun.</summary>
    public bool Started
    {
        get
        {
            lock (_lock)
            {
                return _start is not null;
            }
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(BeginStart);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (await StartedBeforeStopAsync() && inner is IHostedLifecycleService lifecycle)
        {
            await lifecycle.StoppingAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (await StartedBeforeStopAsync())
        {
            await inner.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (await StartedBeforeStopAsync() && inner is IHostedLifecycleService lifecycle)
        {
            await lifecycle.StoppedAsync(cancellationToken);
        }
    }

    private void BeginStart()
    {
        lock (_lock)
        {
            if (_stopping || _start is not null)
            {
                return;
            }

            // Off the host's thread: it raises ApplicationStarted at the end of its start and must not wait for this one.
            _start = Task.Run(StartInnerAsync, CancellationToken.None);
        }
    }

    private async Task StartInnerAsync()
    {
        var name = inner.GetType().Name;
        try
        {
            if (inner is IHostedLifecycleService lifecycle)
            {
                await lifecycle.StartingAsync(CancellationToken.None);
                await inner.StartAsync(CancellationToken.None);
                await lifecycle.StartedAsync(CancellationToken.None);
            }
            else
            {
                await inner.StartAsync(CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            LogFailed(logger, name, ex.Message, ex);
            lifetime.StopApplication();
            return;
        }

        LogStarted(logger, name);
        if (inner is BackgroundService { ExecuteTask: { } execute })
        {
            _ = WatchAsync(execute, name);
        }
    }

    private async Task WatchAsync(Task execute, string name)
    {
        try
        {
            await execute;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Cancelled by the stop.
        }
        catch (Exception ex)
        {
            // What the host does for a failed background service by default (BackgroundServiceExceptionBehavior.StopHost).
            LogFailed(logger, name, ex.Message, ex);
            lifetime.StopApplication();
        }
    }

    /// <summary>Marks the stop as begun; true when the inner service had started (its start has then completed).</summary>
    private async Task<bool> StartedBeforeStopAsync()
    {
        Task? start;
        lock (_lock)
        {
            _stopping = true;
            start = _start;
        }

        if (start is null)
        {
            return false;
        }

        // Never faults: a failed start is logged and stops the application; its stop steps still run.
        await start;
        return true;
    }

    [LoggerMessage(EventId = 8800, Level = LogLevel.Debug, Message = "{Service} started after the NSM socket began serving")]
    private static partial void LogStarted(ILogger logger, string service);

    [LoggerMessage(EventId = 8801, Level = LogLevel.Critical, Message = "{Service} failed after the start: {Reason}; stopping")]
    private static partial void LogFailed(ILogger logger, string service, string reason, Exception exception);
}
