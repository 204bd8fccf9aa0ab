namespace SriovForwarder.Kernel.Health;

/// <summary>
/// Link (netdev) state changes of one network namespace as the kernel announces them: <see cref="RtnetlinkLinkWatcher"/>
/// subscribes to rtnetlink's link multicast group; tests of the layers above use a fake.
/// </summary>
public interface ILinkStateWatcher
{
    /// <summary>
    /// Yields the state of every link of the namespace once, then each change as it is announced, until
    /// <paramref name="cancellationToken"/> is cancelled. After the kernel dropped announcements (receive buffer overrun)
    /// every link is yielded again.
    /// </summary>
    /// <param name="namespacePath">A network namespace file (e.g. <c>/var/run/netns/x</c>), or null for the process's own.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    IAsyncEnumerable<LinkState> WatchAsync(string? namespacePath, CancellationToken cancellationToken);
}
