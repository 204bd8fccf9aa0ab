using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Checks NSM_STATE_PATH before anything is written there: a folder (made when missing), writable, and every grain
/// state file in it readable; otherwise the first grain write or activation would fail deep inside the silo.
/// </summary>
public static class StatePathCheck
{
    /// <summary>The folder under the state path that holds the grain state files.</summary>
    public const string GrainsFolder = "grains";

    /// <summary>Throws <see cref="StartupRefusedException"/> naming NSM_STATE_PATH, or the state file, and what is wrong.</summary>
    public static void Ensure(string statePath)
    {
        var grains = Path.Combine(statePath, GrainsFolder);
        EnsureWritableFolder(statePath);
        EnsureWritableFolder(grains);
        if (StateFileCheck.FindUnreadable(grains) is { } corrupt)
        {
            throw new StartupRefusedException(StateFileRecovery.Describe(corrupt.Path, corrupt.Problem));
        }
    }

    private static void EnsureWritableFolder(string folder)
    {
        if (File.Exists(folder))
        {
            throw new StartupRefusedException($"NSM_STATE_PATH: {folder} is a file, not a folder; point NSM_STATE_PATH at a folder or move the file away");
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"NSM_STATE_PATH: cannot create the folder {folder}: {e.Message}", e);
        }

        // State files are written as new files beside the old ones (then renamed over them): make and remove one.
        var probe = Path.Combine(folder, $".write-check.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"NSM_STATE_PATH: the folder {folder} is not writable: {e.Message}", e);
        }
    }
}
