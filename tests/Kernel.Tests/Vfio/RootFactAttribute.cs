namespace SriovForwarder.Kernel.Tests.Vfio;

/// <summary>A fact that needs root (mknod, CAP_MKNOD); skipped with the reason when the test process is not privileged.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: creates character device nodes with mknod (CI runs as root)";
        }
    }
}
