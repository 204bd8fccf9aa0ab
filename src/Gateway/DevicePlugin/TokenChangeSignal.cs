using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// A versioned wake-up: every <see cref="Notify"/> or <see cref="Publish"/> bumps the version and wakes all waiters, so a
/// ListAndWatch stream that read the version before fetching devices can never miss a change. <see cref="Publish"/> also
/// keeps the devices the node grain sent with its change, so the streams can send them without calling the grain back
/// (decision 042); <see cref="Notify"/> drops them, so the streams read the node again.
/// </summary>
public sealed class TokenChangeSignal
{
    private static readonly Dictionary<string, ResourceDevices> NoDevices = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, ResourceDevices> _pushed = NoDevices;
    private long _version;

    /// <summary>How many changes were signalled so far.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>
    /// Wakes every waiter and forgets the pushed devices: changes may have been missed (a new subscription), so the
    /// streams must ask the node.
    /// </summary>
    public void Notify()
    {
        lock (_gate)
        {
            Volatile.Write(ref _pushed, NoDevices);
        }

        Wake();
    }

    /// <summary>
    /// Keeps the devices of <paramref name="change"/> (per resource, unless a later change's are kept already: one-way
    /// notifications may overtake each other) and wakes every waiter.
    /// </summary>
    public void Publish(TokenPoolChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            // Copy on write: readers take the dictionary without the lock. A handful of resources per node.
            var next = new Dictionary<string, ResourceDevices>(_pushed, StringComparer.Ordinal);
            foreach (var devices in change.Resources)
            {
                if (!next.TryGetValue(devices.ResourceName, out var held) || held.Version < devices.Version)
                {
                    next[devices.ResourceName] = devices;
                }
            }

            Volatile.Write(ref _pushed, next);
        }

        Wake();
    }

    /// <summary>The devices of <paramref name="resourceName"/> the node grain sent with its latest change, or null when none are kept.</summary>
    public ResourceDevices? Pushed(string resourceName) =>
        Volatile.Read(ref _pushed).GetValueOrDefault(resourceName);

    /// <summary>Completes when the version differs from <paramref name="seenVersion"/> (at once if it already does).</summary>
    public Task WaitAsync(long seenVersion, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        return Version != seenVersion ? Task.CompletedTask : next.WaitAsync(cancellationToken);
    }

    private void Wake()
    {
        // Version first: a waiter that read the old task and then sees the new version returns at once.
        Interlocked.Increment(ref _version);
        var previous = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
