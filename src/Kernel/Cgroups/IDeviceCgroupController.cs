using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Grants and revokes character-device access in cgroup-v1 devices cgroups, with a reference count per (cgroup, device).</summary>
/// <remarks>
/// Patterns come from the client (the VFIO <c>cgroupDir</c> parameter) and are relative to the devices cgroup root.
/// Invalid or escaping patterns throw <see cref="ArgumentException"/>; I/O problems and "no cgroup matched" throw
/// <see cref="DeviceCgroupException"/>. Every method is thread-safe.
/// </remarks>
public interface IDeviceCgroupController
{
    /// <summary>The resolved devices cgroup root that every pattern is confined to.</summary>
    string CgroupRoot { get; }

    /// <summary>Allows <c>c M:m rwm</c> in every cgroup matching the pattern (skipping those with a wider rule); all or nothing.</summary>
    /// <returns>The references taken, one per cgroup; persist them so a later <see cref="DenyGrants"/> can release them.</returns>
    IReadOnlyList<DeviceGrant> Allow(string cgroupDir, DeviceNumber device);

    /// <summary>Allows every device in every matching cgroup; on any failure, undoes what this call did and throws.</summary>
    IReadOnlyList<DeviceGrant> AllowAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices);

    /// <summary>Releases this process's reference on the device in every matching cgroup holding one; writes <c>devices.deny</c> at zero.</summary>
    /// <returns>The references released.</returns>
    IReadOnlyList<DeviceGrant> Deny(string cgroupDir, DeviceNumber device);

    /// <summary>Releases the devices in every matching cgroup; tries all, then throws one error listing every failure.</summary>
    IReadOnlyList<DeviceGrant> DenyAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices);

    /// <summary>Releases one persisted reference; writes <c>devices.deny</c> when it was the last one (or unknown to this process).</summary>
    void Deny(DeviceGrant grant);

    /// <summary>Releases persisted references; tries all, then throws one error listing every failure. A vanished cgroup is no error.</summary>
    void DenyGrants(IEnumerable<DeviceGrant> grants);

    /// <summary>Takes back references persisted before a restart. Call with every live grant before any Deny, so shared devices stay allowed.</summary>
    void RestoreGrants(IEnumerable<DeviceGrant> grants);

    /// <summary>Whether the cgroup at <paramref name="cgroupPath"/> (relative to the root, as in a grant) exists.</summary>
    bool CgroupExists(string cgroupPath);

    /// <summary>How many references this process holds on the device in the cgroup (0 when none).</summary>
    int GetReferenceCount(DeviceGrant grant);
}
