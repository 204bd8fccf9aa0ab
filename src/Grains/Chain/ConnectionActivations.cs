using System.Collections.Concurrent;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// Remembers which connections have been activated in this process, so that persisted cgroup grants
/// are restored into the kernel's reference counts once after a restart and never counted twice. A connection whose
/// activation ends with nothing recorded (closed, or never established) is forgotten, so the set holds the connections
/// with state, not every connection this process ever served.
/// </summary>
public sealed class ConnectionActivations
{
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="connectionKey"/> activates in this process.</summary>
    public bool IsFirst(string connectionKey) => _seen.TryAdd(connectionKey, true);

    /// <summary>
    /// Forgets <paramref name="connectionKey"/> when its activation ends with an empty state: it holds no grants, so its
    /// next activation has nothing to restore, and one that records grants later restores them itself.
    /// </summary>
    public void Forget(string connectionKey) => _seen.TryRemove(connectionKey, out _);
}
