namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Where the host's cgroup-v1 devices hierarchy is visible to the forwarder (upstream's <c>NSM_CGROUP_PATH</c>).</summary>
public sealed class DeviceCgroupOptions
{
    /// <summary>The devices hierarchy root; client cgroup patterns are confined below it. Default <c>/host/sys/fs/cgroup/devices</c>.</summary>
    public string CgroupRoot { get; set; } = "/host/sys/fs/cgroup/devices";
}
