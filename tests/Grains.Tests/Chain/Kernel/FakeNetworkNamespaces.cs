using SriovForwarder.Kernel.Namespaces;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>
/// Network namespaces in memory for element tests: the host (<see cref="HostUrl"/>) and the namespaces a test names
/// with <see cref="Add"/>; any other URL fails to open as a missing file does. Sysctl writes are recorded per namespace.
/// </summary>
internal sealed class FakeNetworkNamespaces : INetworkNamespaces
{
    public const string HostUrl = "host";

    private readonly Dictionary<string, ulong> _inodes = new(StringComparer.Ordinal) { [HostUrl] = 4026531840 };

    /// <summary>The sysctl values written, by namespace URL and key.</summary>
    public Dictionary<(string Url, string Key), string> Sysctls { get; } = [];

    /// <summary>Every handle opened, to check the elements close what they open.</summary>
    public List<FakeNetworkNamespace> Opened { get; } = [];

    /// <summary>Makes <paramref name="url"/> name a namespace with this inode (a new one replaces an earlier one).</summary>
    public void Add(string url, ulong inode) => _inodes[url] = inode;

    /// <summary>Deletes the name, as <c>ip netns del</c> does; open handles stay valid.</summary>
    public void Remove(string url) => _inodes.Remove(url);

    public INetworkNamespace Open(string url)
    {
        if (!_inodes.TryGetValue(url, out var inode))
        {
            throw new NetworkNamespaceException(url, $"file '{url}' does not exist");
        }

        var opened = new FakeNetworkNamespace(url, inode);
        Opened.Add(opened);
        return opened;
    }

    public INetworkNamespace OpenHost() => Open(HostUrl);

    public INetworkNamespace? FindByInode(ulong inode) =>
        _inodes.FirstOrDefault(n => n.Value == inode) is { Key: { } url } ? Open(url) : null;

    public bool? IsGoneFromName(string url, ulong inode) => !_inodes.TryGetValue(url, out var now) || now != inode;

    public void WriteSysctl(INetworkNamespace target, string key, string value)
    {
        ObjectDisposedException.ThrowIf(target.IsClosed, target);
        Sysctls[(target.Url, key)] = value;
    }
}
