namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// A versioned wake-up: every <see cref="Notify"/> bumps the version and wakes all waiters, so a
/// ListAndWatch stream that read the version before fetching devices can never miss a change.
/// </summary>
public sealed class TokenChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    /// <summary>How many changes were signalled so far.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Wakes every waiter.</summary>
    public void Notify()
    {
        // Version first: a waiter that read the old task and then sees the new version returns at once.
        Interlocked.Increment(ref _version);
        var previous = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    /// <summary>Completes when the version differs from <paramref name="seenVersion"/> (at once if it already does).</summary>
    public Task WaitAsync(long seenVersion, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        return Version != seenVersion ? Task.CompletedTask : next.WaitAsync(cancellationToken);
    }
}
