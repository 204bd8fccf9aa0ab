namespace SriovForwarder.Silo.Configuration;

/// <summary>Makes the default NetworkService socket address when <c>NSM_LISTEN_ON</c> is empty, as upstream does.</summary>
public static class TemporaryListenSocket
{
    /// <summary>Creates a fresh folder <c>/tmp/sriov-forwarder-&lt;random&gt;</c> and returns <c>unix://&lt;folder&gt;/listen_on.io.sock</c>.</summary>
    public static Uri Create()
    {
        var folder = Directory.CreateTempSubdirectory("sriov-forwarder-");
        return new Uri("unix://" + Path.Combine(folder.FullName, "listen_on.io.sock"));
    }
}
