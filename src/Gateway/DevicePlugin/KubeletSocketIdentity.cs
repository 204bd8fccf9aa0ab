namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Tells one incarnation of kubelet's socket from the next: a restarted kubelet binds a new socket file.</summary>
public sealed record KubeletSocketIdentity(DateTime LastWriteUtc, long Generation)
{
    /// <summary>The identity of the socket at <paramref name="path"/> as seen now, with the watcher's create count.</summary>
    public static KubeletSocketIdentity Read(string path, long generation) => new(File.GetLastWriteTimeUtc(path), generation);
}
