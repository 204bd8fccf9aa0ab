namespace SriovForwarder.Grains.Chain;

/// <summary>
/// What the VFIO element granted for a connection (like <c>KernelInterfaceRecord</c> for KERNEL), persisted so Close,
/// even after a restart, can deny exactly those device grants. The alias keeps its earlier name for existing state files.
/// </summary>
[GenerateSerializer, Alias("sriov.VfioGrant")]
public sealed class VfioGrantRecord
{
    /// <summary>The client's cgroup directory pattern, relative to the cgroup root.</summary>
    [Id(0)]
    public string CgroupDir { get; set; } = string.Empty;

    /// <summary>The device numbers and cgroups granted (vfio container device first, then the group device).</summary>
    [Id(1)]
    public List<PersistedDeviceGrant> Grants { get; set; } = [];

    /// <summary>
    /// The devices about to be allowed in the cgroups matching <see cref="CgroupDir"/> (its <c>CgroupPath</c> is the
    /// pattern), written before the first rule (decision 007): a process killed before <see cref="Applied"/> was
    /// written leaves this for the next one to deny.
    /// </summary>
    [Id(2)]
    public List<PersistedDeviceGrant> Planned { get; set; } = [];

    /// <summary>Whether <see cref="Grants"/> lists what was allowed (else only <see cref="Planned"/> is known).</summary>
    [Id(3)]
    public bool Applied { get; set; }
}
