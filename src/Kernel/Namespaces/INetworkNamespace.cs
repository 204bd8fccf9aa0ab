namespace SriovForwarder.Kernel.Namespaces;

/// <summary>An open network namespace: <see cref="NetworkNamespace"/> on the kernel, a stand-in in chain tests.</summary>
public interface INetworkNamespace : IDisposable
{
    /// <summary>The URL or path this handle was opened from.</summary>
    string Url { get; }

    /// <summary>The nsfs inode number: the namespace's identity (<c>net:[inode]</c>).</summary>
    ulong Inode { get; }

    /// <summary>Whether the handle was disposed.</summary>
    bool IsClosed { get; }
}
