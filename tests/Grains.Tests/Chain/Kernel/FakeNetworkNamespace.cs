using SriovForwarder.Kernel.Namespaces;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>An open handle of <see cref="FakeNetworkNamespaces"/>.</summary>
internal sealed class FakeNetworkNamespace(string url, ulong inode) : INetworkNamespace
{
    public string Url { get; } = url;

    public ulong Inode { get; } = inode;

    public bool IsClosed { get; private set; }

    public void Dispose() => IsClosed = true;

    public override string ToString() => $"{Url} (net:[{Inode}])";
}
