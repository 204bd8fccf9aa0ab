namespace SriovForwarder.Kernel.Namespaces;

/// <summary>Reads and writes <c>/proc/sys</c> values as seen from inside a network namespace.</summary>
/// <remarks>/proc/sys/net resolves against the opening thread's namespace, so the file is opened on a <see cref="NamespaceThread"/>.</remarks>
public static class NamespaceSysctl
{
    /// <summary>Writes <paramref name="value"/> to <c>/proc/sys/&lt;key&gt;</c> inside <paramref name="target"/>, e.g. key <c>net/ipv4/ping_group_range</c>.</summary>
    public static void Write(NetworkNamespace target, string key, string value)
    {
        var path = ToPath(key);
        NamespaceThread.Run(target, () =>
        {
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(value), 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"writing '{value}' to {path} in netns {target} failed: {e.Message}", e);
            }
        });
    }

    /// <summary>Reads <c>/proc/sys/&lt;key&gt;</c> inside <paramref name="target"/>, without the trailing newline.</summary>
    public static string Read(NetworkNamespace target, string key)
    {
        var path = ToPath(key);
        return NamespaceThread.Run(target, () =>
        {
            try
            {
                return File.ReadAllText(path).TrimEnd('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"reading {path} in netns {target} failed: {e.Message}", e);
            }
        });
    }

    private static string ToPath(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var parts = key.Trim('/').Split('/');
        if (parts.Any(p => p.Length == 0 || p == "." || p == ".."))
        {
            throw new ArgumentException($"sysctl key '{key}' must be a relative path below /proc/sys without '.' or '..' parts", nameof(key));
        }

        return "/proc/sys/" + string.Join('/', parts);
    }
}
