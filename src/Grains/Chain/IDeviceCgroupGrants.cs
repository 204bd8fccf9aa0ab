using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// Grants and revokes a character device in a client's devices cgroups (cgroup v1), confined to the
/// configured cgroup root; the VFIO element's view of the kernel's device cgroup controller.
/// </summary>
public interface IDeviceCgroupGrants
{
    /// <summary>Allows <c>c M:m rwm</c> in every cgroup matching <paramref name="cgroupPattern"/> (relative to the root); throws when none matches.</summary>
    IReadOnlyList<DeviceGrant> Allow(string cgroupPattern, DeviceNumber device);

    /// <summary>Releases grants made by <see cref="Allow"/>; the rule is denied when its last reference goes.</summary>
    void Deny(IReadOnlyList<DeviceGrant> grants);

    /// <summary>Takes back grants persisted before a process restart, so a later <see cref="Deny"/> keeps shared devices allowed.</summary>
    void Restore(IReadOnlyList<DeviceGrant> grants);

    /// <summary>Whether the cgroup of a grant (relative to the root) still exists; a pod's cgroups go when the pod goes.</summary>
    bool CgroupExists(string cgroupPath);
}
