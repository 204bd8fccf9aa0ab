namespace SriovForwarder.Silo.Configuration;

/// <summary>Makes the default NetworkService socket address when <c>NSM_LISTEN_ON</c> is empty, as upstream does.</summary>
public static class TemporaryListenSocket
{
    /// <summary>
    /// Creates a fresh folder <c>/tmp/sriov-forwarder-&lt;random&gt;</c> and returns <c>unix://&lt;folder&gt;/listen_on.io.sock</c>;
    /// the folder is removed when the process exits.
    /// </summary>
    public static Uri Create()
    {
        var folder = Directory.CreateTempSubdirectory("sriov-forwarder-");
        // At process exit, whichever way the program ends (SIGTERM, a start-up failure's exit code), not only on the happy
        // path: every start used to leave one of these folders behind. A SIGKILL still leaves it, as it leaves the socket.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Remove(folder.FullName);
        return new Uri("unix://" + Path.Combine(folder.FullName, "listen_on.io.sock"));
    }

    private static void Remove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already gone, or not ours to remove any more: nothing to clean.
        }
    }
}
