namespace SriovForwarder.Kernel.Namespaces;

/// <summary>
/// Opens, finds and configures network namespaces; the chain's only way to them, so chain elements run against a
/// fake without root. <see cref="NetworkNamespaces"/> is the kernel's.
/// </summary>
public interface INetworkNamespaces
{
    /// <summary>Opens the namespace named by a <c>file://</c> URL or an absolute path.</summary>
    /// <exception cref="NetworkNamespaceException">The URL is malformed, the file is missing or is not a network namespace.</exception>
    INetworkNamespace Open(string url);

    /// <summary>Opens the process's own (host) network namespace.</summary>
    INetworkNamespace OpenHost();

    /// <summary>Opens net:[<paramref name="inode"/>] through any lasting name this process can see, or null when none is found.</summary>
    INetworkNamespace? FindByInode(ulong inode);

    /// <summary>Whether the namespace <paramref name="url"/> named as net:[<paramref name="inode"/>] is gone from that name; null when nothing can be told.</summary>
    bool? IsGoneFromName(string url, ulong inode);

    /// <summary>Writes <paramref name="value"/> to <c>/proc/sys/&lt;key&gt;</c> inside <paramref name="target"/>.</summary>
    void WriteSysctl(INetworkNamespace target, string key, string value);
}
