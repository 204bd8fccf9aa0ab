using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>One reference this process holds on <c>c M:m rwm</c> in one devices cgroup; persist it to deny after a restart.</summary>
/// <param name="CgroupPath">The cgroup's path relative to the devices cgroup root, symlinks resolved (e.g. <c>kubepods/besteffort/pod1/abc</c>).</param>
/// <param name="Device">The character device the rule grants.</param>
public sealed record DeviceGrant(string CgroupPath, DeviceNumber Device)
{
    /// <summary>Formats as <c>cgroupPath c M:m</c> for logs and error messages.</summary>
    public override string ToString() => $"{CgroupPath} c {Device}";
}
