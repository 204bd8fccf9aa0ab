using System.Runtime.CompilerServices;
using SriovForwarder.Kernel.Health;

namespace SriovForwarder.Benchmarks.Health;

/// <summary>
/// The real rtnetlink watcher, telling when its first link state arrived: the socket is then subscribed to the link
/// group, so a fault played after <see cref="Subscribed"/> cannot fall before the watch and go unheard.
/// </summary>
public sealed class SubscribedLinkWatcher(ILinkStateWatcher inner) : ILinkStateWatcher
{
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the first link state the watch yields.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <inheritdoc />
    public async IAsyncEnumerable<LinkState> WatchAsync(string? namespacePath, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var link in inner.WatchAsync(namespacePath, cancellationToken).ConfigureAwait(false))
        {
            _subscribed.TrySetResult();
            yield return link;
        }
    }
}
