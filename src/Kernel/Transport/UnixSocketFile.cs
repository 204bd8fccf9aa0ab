using System.Text;

namespace SriovForwarder.Kernel.Transport;

/// <summary>Prepares the file-system side of a listening unix socket: parent folder, stale socket file, permissions.</summary>
public static class UnixSocketFile
{
    /// <summary>rwxrwxrwx, what upstream gives device-plugin sockets so that kubelet and clients of any user can connect.</summary>
    public const UnixFileMode DefaultMode = (UnixFileMode)0b111_111_111;

    /// <summary>The longest path <c>sockaddr_un.sun_path</c> holds, in bytes, without its terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    /// <summary>Checks the path, creates its parent folder and deletes a stale socket file left by an earlier run.</summary>
    /// <returns>The full path that will be bound.</returns>
    /// <exception cref="ArgumentException">The path is empty or too long for a unix socket.</exception>
    /// <exception cref="IOException">Something that is not a socket is in the way.</exception>
    public static string Prepare(string socketPath)
    {
        var fullPath = Validate(socketPath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        if (Obstacle(fullPath) is { } obstacle)
        {
            throw new IOException($"Cannot listen on unix socket '{fullPath}': {obstacle}; remove it or choose another path.");
        }

        if (IsSocket(fullPath))
        {
            File.Delete(fullPath);
        }

        return fullPath;
    }

    /// <summary>What stands where the socket should be (e.g. "the path exists and is a regular file, not a stale socket"); null when nothing or a stale socket does.</summary>
    public static string? Obstacle(string socketPath) =>
        (File.Exists(socketPath) || Directory.Exists(socketPath)) && !FileTypeProbe.IsSocket(socketPath)
            ? $"the path exists and is {FileTypeProbe.Describe(socketPath)}, not a stale socket"
            : null;

    /// <summary>Sets the socket file's permission bits (the socket must already be bound).</summary>
    public static void SetMode(string socketPath, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix socket permissions cannot be set on Windows.");
        }

        File.SetUnixFileMode(socketPath, mode);
    }

    /// <summary>True when the path exists and is a unix socket.</summary>
    public static bool IsSocket(string path) => (File.Exists(path) || Directory.Exists(path)) && FileTypeProbe.IsSocket(path);

    /// <summary>Rejects a path that cannot be a unix socket address and returns its full form.</summary>
    /// <exception cref="ArgumentException">The path is empty or too long for a unix socket.</exception>
    public static string Validate(string socketPath)
    {
        if (string.IsNullOrWhiteSpace(socketPath))
        {
            throw new ArgumentException("The unix socket path is empty.", nameof(socketPath));
        }

        var fullPath = Path.GetFullPath(socketPath);
        var bytes = Encoding.UTF8.GetByteCount(fullPath);
        if (bytes > MaxPathBytes)
        {
            throw new ArgumentException(
                $"The unix socket path '{fullPath}' is {bytes} bytes long; a unix socket address holds at most {MaxPathBytes}.",
                nameof(socketPath));
        }

        return fullPath;
    }
}
