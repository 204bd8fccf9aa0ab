using System.Globalization;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>A file's identity as NSM's grpcfd names it: <c>inode://&lt;st_dev&gt;/&lt;st_ino&gt;</c>.</summary>
/// <param name="Device">st_dev in the kernel's 64-bit dev_t encoding, as <c>stat</c> returns it.</param>
/// <param name="Inode">st_ino.</param>
public readonly record struct InodeId(ulong Device, ulong Inode)
{
    /// <summary>The URL scheme grpcfd uses for passed files.</summary>
    public const string Scheme = "inode";

    /// <summary>True when <paramref name="url"/> is an <c>inode://</c> URL (whether or not it is well formed).</summary>
    public static bool IsInodeUrl(string? url) => url is not null && url.StartsWith(Scheme + "://", StringComparison.Ordinal);

    /// <summary>Parses <c>inode://dev/ino</c> (the path may carry a leading slash, as grpcfd writes it).</summary>
    public static bool TryParse(string url, out InodeId id)
    {
        id = default;
        if (!IsInodeUrl(url))
        {
            return false;
        }

        var rest = url[(Scheme.Length + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !ulong.TryParse(rest.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var device)
            || !ulong.TryParse(rest.AsSpan(slash + 1).TrimStart('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return false;
        }

        id = new InodeId(device, inode);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{Device}/{Inode}");
}
