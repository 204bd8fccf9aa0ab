namespace SriovForwarder.Grains.Chain;

/// <summary>The cgroup device grants made for a VFIO connection, so Close (even after a restart) can deny exactly them.</summary>
[GenerateSerializer, Alias("sriov.VfioGrant")]
public sealed class VfioGrant
{
    /// <summary>The client's cgroup directory pattern, relative to the cgroup root.</summary>
    [Id(0)]
    public string CgroupDir { get; set; } = string.Empty;

    /// <summary>The device numbers and cgroups granted (vfio container device first, then the group device).</summary>
    [Id(1)]
    public List<CgroupDeviceGrant> Grants { get; set; } = [];
}
