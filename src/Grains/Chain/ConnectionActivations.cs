using System.Collections.Concurrent;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// Remembers which connections have been activated in this process, so that persisted cgroup grants
/// are restored into the kernel's reference counts once after a restart and never counted twice.
/// </summary>
public sealed class ConnectionActivations
{
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="connectionKey"/> activates in this process.</summary>
    public bool IsFirst(string connectionKey) => _seen.TryAdd(connectionKey, true);
}
