using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Checks the NSM_LISTEN_ON socket path before the host starts: short enough for a unix socket address, its folder
/// present (made when missing) and writable, and nothing but a stale socket where the socket goes.
/// </summary>
public static class ListenSocketCheck
{
    /// <summary>Throws <see cref="StartupRefusedException"/> naming NSM_LISTEN_ON, the path and what is wrong.</summary>
    public static void Ensure(string socketPath)
    {
        var setting = $"NSM_LISTEN_ON=unix://{socketPath}";
        string fullPath;
        try
        {
            fullPath = UnixSocketFile.Validate(socketPath);
        }
        catch (ArgumentException e)
        {
            throw new StartupRefusedException($"{setting}: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }

        var folder = Path.GetDirectoryName(fullPath)!;
        try
        {
            if (File.Exists(folder))
            {
                throw new StartupRefusedException($"{setting}: {folder} is a file, not a folder");
            }

            Directory.CreateDirectory(folder);
            if (UnixSocketFile.Obstacle(fullPath) is { } obstacle)
            {
                throw new StartupRefusedException($"{setting}: {obstacle}; remove it or choose another path");
            }

            // Binding creates the socket file in the folder: make and remove a file there to know that will work.
            var probe = Path.Combine(folder, $".listen-check.{Environment.ProcessId}.tmp");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"{setting}: cannot create the socket in {folder}: {e.Message}", e);
        }
    }
}
