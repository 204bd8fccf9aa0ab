using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Namespaces;

/// <summary>An open network namespace file descriptor, identified by its nsfs inode and device.</summary>
/// <remarks>
/// Accepted forms: <c>file:///proc/&lt;pid&gt;/ns/net</c>, <c>file:///proc/&lt;pid&gt;/fd/&lt;n&gt;</c>,
/// <c>file:///proc/thread-self/ns/net</c>, <c>file:///var/run/netns/&lt;name&gt;</c> and the same paths without the
/// scheme. Anything else is rejected before use (upstream bug #24 turned such URLs into invalid handles).
/// </remarks>
public sealed class NetworkNamespace : SafeHandle, INetworkNamespace
{
    private const string HostPath = "/proc/self/ns/net";
    private const string ThreadPath = "/proc/thread-self/ns/net";

    private NetworkNamespace(int fd, string url, ulong inode, ulong device)
        : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Url = url;
        Inode = inode;
        Device = device;
    }

    /// <summary>The URL or path this handle was opened from.</summary>
    public string Url { get; }

    /// <summary>The nsfs inode number: the namespace's identity (<c>net:[inode]</c>).</summary>
    public ulong Inode { get; }

    /// <summary>The nsfs device number, encoded like glibc's <c>makedev</c>.</summary>
    public ulong Device { get; }

    /// <summary>The namespace in NSM's <c>inode://&lt;dev&gt;/&lt;ino&gt;</c> form.</summary>
    public string InodeUrl => $"inode://{Device}/{Inode}";

    /// <summary>The open file descriptor; valid until this handle is disposed.</summary>
    public int FileDescriptor
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)DangerousGetHandle();
        }
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>Opens the namespace named by a <c>file://</c> URL or an absolute path.</summary>
    /// <exception cref="NetworkNamespaceException">The URL is malformed, the file is missing or is not a network namespace.</exception>
    public static NetworkNamespace Open(string url)
    {
        var path = ToPath(url);
        var fd = LibC.Open(path, LibC.ORdOnly | LibC.OCloexec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new NetworkNamespaceException(url, errno switch
            {
                2 => $"file '{path}' does not exist",
                13 => $"permission denied opening '{path}'",
                _ => $"open('{path}') failed: {Marshal.GetPInvokeErrorMessage(errno)}",
            });
        }

        try
        {
            var type = LibC.Ioctl(fd, LibC.NsGetNsType);
            if (type < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new NetworkNamespaceException(url, errno == 25
                    ? $"'{path}' is not a namespace file (a regular file, directory or device)"
                    : $"NS_GET_NSTYPE on '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }

            if (type != LibC.CloneNewNet)
            {
                throw new NetworkNamespaceException(url, $"'{path}' is a {TypeName(type)} namespace, not a network namespace");
            }

            var (inode, device) = Identify(fd, url);
            return new NetworkNamespace(fd, url, inode, device);
        }
        catch
        {
            _ = LibC.Close(fd);
            throw;
        }
    }

    /// <summary>Opens the process's own (host) network namespace: the one of its main thread.</summary>
    public static NetworkNamespace OpenHost() => Open(HostPath);

    /// <summary>Opens the network namespace the calling thread is in right now.</summary>
    public static NetworkNamespace OpenCurrentThread() => Open(ThreadPath);

    /// <summary>The inode of the calling thread's current network namespace, without keeping a handle.</summary>
    public static ulong CurrentThreadInode()
    {
        using var ns = OpenCurrentThread();
        return ns.Inode;
    }

    /// <summary>
    /// Whether the namespace <paramref name="url"/> named when it was opened as net:[<paramref name="inode"/>] is gone
    /// from that name: a named namespace (<c>/run/netns/*</c>, <c>/var/run/netns/*</c>) that was deleted, or a
    /// <c>/proc/&lt;pid&gt;/ns/net</c> whose process ended, or a name that now means another namespace. Null when the URL
    /// is not such a lasting name (a descriptor passed for one call): then nothing can be told from it.
    /// </summary>
    public static bool? IsGoneFromName(string url, ulong inode)
    {
        string path;
        try
        {
            path = ToPath(url);
        }
        catch (NetworkNamespaceException)
        {
            return null;
        }

        var lasting = path.StartsWith("/run/netns/", StringComparison.Ordinal) || path.StartsWith("/var/run/netns/", StringComparison.Ordinal)
            || (path.StartsWith("/proc/", StringComparison.Ordinal) && path.EndsWith("/ns/net", StringComparison.Ordinal));
        if (!lasting)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            return true;
        }

        try
        {
            using var named = Open(url);
            return named.Inode != inode;
        }
        catch (NetworkNamespaceException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens the network namespace net:[<paramref name="inode"/>] through any lasting name this process can see: a named
    /// namespace under <c>/run/netns</c> or <c>/var/run/netns</c>, or a process living in it. Null when none is found.
    /// After a restart this is the way back into a namespace whose descriptor was passed to the previous process.
    /// </summary>
    public static NetworkNamespace? FindByInode(ulong inode)
    {
        var candidates = new[] { "/run/netns", "/var/run/netns" }
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Concat(Directory.EnumerateDirectories("/proc").Where(d => char.IsAsciiDigit(System.IO.Path.GetFileName(d)[0])).Select(d => d + "/ns/net"));
        var wanted = $"net:[{inode}]";
        foreach (var path in candidates)
        {
            try
            {
                // A process's link names its namespace; reading it is cheaper than opening every candidate.
                if (path.StartsWith("/proc/", StringComparison.Ordinal) && new FileInfo(path).LinkTarget != wanted)
                {
                    continue;
                }

                var opened = Open(path);
                if (opened.Inode == inode)
                {
                    return opened;
                }

                opened.Dispose();
            }
            catch (Exception ex) when (ex is NetworkNamespaceException or IOException or UnauthorizedAccessException)
            {
                // Gone while we looked, or not ours to open: try the next.
            }
        }

        return null;
    }

    /// <summary>The kernel handle behind <paramref name="handle"/>; netlink and setns need a real descriptor.</summary>
    /// <exception cref="ArgumentException">The handle is a stand-in, not one this class opened.</exception>
    public static NetworkNamespace Of(INetworkNamespace handle) => handle as NetworkNamespace
        ?? throw new ArgumentException($"{handle} is not a kernel network namespace handle", nameof(handle));

    /// <summary>Whether both handles refer to the same namespace.</summary>
    public bool IsSameAs(NetworkNamespace other) => other.Inode == Inode && other.Device == Device;

    /// <inheritdoc />
    public override string ToString() => $"{Url} (net:[{Inode}])";

    /// <inheritdoc />
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;

    private static string ToPath(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new NetworkNamespaceException(url ?? "", "the URL is empty");
        }

        if (url.StartsWith('/'))
        {
            return url;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new NetworkNamespaceException(url, "it is neither a file:// URL nor an absolute path");
        }

        if (uri.Scheme != Uri.UriSchemeFile)
        {
            throw new NetworkNamespaceException(url,
                $"scheme '{uri.Scheme}' is not supported; expected file:// (e.g. file:///proc/<pid>/ns/net) or an absolute path");
        }

        if (!string.IsNullOrEmpty(uri.Host))
        {
            throw new NetworkNamespaceException(url, $"a file URL must not name a host ('{uri.Host}'); use file:///path");
        }

        return uri.LocalPath;
    }

    private static unsafe (ulong Inode, ulong Device) Identify(int fd, string url)
    {
        // struct statx is 256 bytes with a fixed layout on every architecture, unlike struct stat.
        var buffer = stackalloc byte[256];
        if (LibC.Statx(fd, "", LibC.AtEmptyPath, LibC.StatxBasicStats, buffer) != 0)
        {
            throw new NetworkNamespaceException(url, $"statx failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        var inode = *(ulong*)(buffer + 32);
        var device = LibC.MakeDev(*(uint*)(buffer + 136), *(uint*)(buffer + 140));
        return (inode, device);
    }

    private static string TypeName(int type) => type switch
    {
        0x00020000 => "mount",
        0x02000000 => "cgroup",
        0x04000000 => "uts",
        0x08000000 => "ipc",
        0x10000000 => "user",
        0x20000000 => "pid",
        0x00000080 => "time",
        _ => $"unknown (0x{type:x})",
    };
}
