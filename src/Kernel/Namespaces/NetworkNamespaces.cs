namespace SriovForwarder.Kernel.Namespaces;

/// <summary>The kernel's <see cref="INetworkNamespaces"/>: nsfs files, setns and <c>/proc/sys</c>.</summary>
public sealed class NetworkNamespaces : INetworkNamespaces
{
    /// <inheritdoc />
    public INetworkNamespace Open(string url) => NetworkNamespace.Open(url);

    /// <inheritdoc />
    public INetworkNamespace OpenHost() => NetworkNamespace.OpenHost();

    /// <inheritdoc />
    public INetworkNamespace? FindByInode(ulong inode) => NetworkNamespace.FindByInode(inode);

    /// <inheritdoc />
    public bool? IsGoneFromName(string url, ulong inode) => NetworkNamespace.IsGoneFromName(url, inode);

    /// <inheritdoc />
    public void WriteSysctl(INetworkNamespace target, string key, string value) => NamespaceSysctl.Write(NetworkNamespace.Of(target), key, value);
}
