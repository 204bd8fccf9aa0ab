namespace SriovForwarder.TestSupport.Bpf;

/// <summary>A fact that needs root and a cgroup2 mount: it loads BPF device programs and creates cgroup folders; skipped otherwise.</summary>
public sealed class BpfCgroupFactAttribute : FactAttribute
{
    public BpfCgroupFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: loads BPF programs, creates cgroups and device nodes";
        }
        else if (Cgroup2.Root is null)
        {
            Skip = "needs a cgroup2 mount (none in /proc/self/mounts)";
        }
    }
}
