namespace SriovForwarder.TestSupport.Root;

/// <summary>A theory that needs root; skipped with the stated reason when the process is not privileged (CI runs as root).</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets Skip to "needs root: <paramref name="reason"/>" when the process is not privileged.</summary>
    public RootTheoryAttribute(string reason) => Skip = RootOnly.SkipReason(reason);
}
