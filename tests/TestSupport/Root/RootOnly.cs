namespace SriovForwarder.TestSupport.Root;

/// <summary>The one privilege check behind <see cref="RootFactAttribute"/> and <see cref="RootTheoryAttribute"/>.</summary>
public static class RootOnly
{
    /// <summary>
    /// Null (run) when the process is privileged, else the skip text. Only the privilege is checked: a missing tool
    /// under root must fail the test, not skip it, or CI (which runs as root) could hide it.
    /// </summary>
    public static string? SkipReason(string reason) =>
        Environment.IsPrivilegedProcess ? null : $"needs root: {reason} (CI runs as root)";
}
