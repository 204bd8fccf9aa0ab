namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Where the host's cgroup hierarchies are visible to the forwarder (upstream's <c>NSM_CGROUP_PATH</c>, and the cgroup v2 additions).</summary>
public sealed class DeviceCgroupOptions
{
    /// <summary>The default <see cref="CgroupRoot"/>.</summary>
    public const string DefaultCgroupRoot = "/host/sys/fs/cgroup/devices";

    /// <summary>The default <see cref="Cgroup2Root"/>.</summary>
    public const string DefaultCgroup2Root = "/host/sys/fs/cgroup";

    /// <summary>The default <see cref="BpfPinRoot"/>.</summary>
    public const string DefaultBpfPinRoot = "/sys/fs/bpf/nsm-sriov-forwarder";

    /// <summary>The cgroup-v1 devices hierarchy root; client cgroup patterns are confined below it. Default <c>/host/sys/fs/cgroup/devices</c>.</summary>
    public string CgroupRoot { get; set; } = DefaultCgroupRoot;

    /// <summary>
    /// The cgroup v2 (unified) root, or the folder holding it as <c>unified/</c> on hybrid nodes (<c>NSM_CGROUP2_PATH</c>).
    /// Default <c>/host/sys/fs/cgroup</c>.
    /// </summary>
    public string Cgroup2Root { get; set; } = DefaultCgroup2Root;

    /// <summary>
    /// A folder in a bpffs where the cgroup v2 device programs' maps are pinned, so grants survive a restart of the
    /// forwarder (<c>NSM_BPF_PIN_PATH</c>). Default <c>/sys/fs/bpf/nsm-sriov-forwarder</c>.
    /// </summary>
    public string BpfPinRoot { get; set; } = DefaultBpfPinRoot;

    /// <summary>How often cgroup v2 grants are checked against the attached programs (a <c>runc update</c> replaces ours). Default 30 s.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);
}
