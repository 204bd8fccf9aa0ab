namespace SriovForwarder.TestSupport.Root;

/// <summary>
/// A fact that needs root (network namespaces, veths, mknod, cgroups, the forwarder run as root); skipped with the
/// stated reason when the process is not privileged. CI runs as root, so there it always runs.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Sets Skip to "needs root: <paramref name="reason"/>" when the process is not privileged.</summary>
    public RootFactAttribute(string reason) => Skip = RootOnly.SkipReason(reason);
}
