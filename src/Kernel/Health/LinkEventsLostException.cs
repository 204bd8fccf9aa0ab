namespace SriovForwarder.Kernel.Health;

/// <summary>The kernel dropped link announcements (ENOBUFS: the socket's buffer overran); the watcher reads every link again.</summary>
public sealed class LinkEventsLostException(string netns)
    : IOException($"netlink link events in netns {netns}: the kernel dropped announcements (ENOBUFS); re-reading every link")
{
}
