using System.Runtime.CompilerServices;
using SriovForwarder.Kernel.Health;

namespace SriovForwarder.Benchmarks.Health;

/// <summary>
/// The real rtnetlink watcher, telling when its first link state arrived: the socket is then subscribed to the link
/// group, so a fault played after <see cref="Subscribed"/> cannot fall before the watch and go unheard. It also notes
/// when it last handed on a state of <paramref name="netdev"/> without carrier, to split the delay at the watcher.
/// </summary>
public sealed class SubscribedLinkWatcher(ILinkStateWatcher inner, string netdev) : ILinkStateWatcher
{
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastCarrierLoss;

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the last carrier loss of the netdev handed on.</summary>
    public long LastCarrierLoss => Volatile.Read(ref _lastCarrierLoss);

    /// <summary>Completes with the first link state the watch yields.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <inheritdoc />
    public async IAsyncEnumerable<LinkState> WatchAsync(string? namespacePath, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var link in inner.WatchAsync(namespacePath, cancellationToken).ConfigureAwait(false))
        {
            _subscribed.TrySetResult();
            if (link.Name == netdev && !link.Carrier)
            {
                Volatile.Write(ref _lastCarrierLoss, System.Diagnostics.Stopwatch.GetTimestamp());
            }

            yield return link;
        }
    }
}
