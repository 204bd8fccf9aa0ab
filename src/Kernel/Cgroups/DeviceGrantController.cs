using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>
/// What the cgroup v1 rules and the cgroup v2 device programs share: one reference per (cgroup, device) under one lock,
/// and deny, restore and count over those references; each subclass says how a grant is made and revoked.
/// </summary>
public abstract class DeviceGrantController : IDeviceCgroupController
{
    private protected Lock Gate { get; } = new();

    private protected DeviceGrantReferences References { get; } = new();

    /// <inheritdoc />
    public abstract string CgroupRoot { get; }

    /// <inheritdoc />
    public abstract bool CgroupExists(string cgroupPath);

    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> Allow(string cgroupDir, DeviceNumber device) => AllowAll(cgroupDir, [device]);

    /// <inheritdoc />
    public abstract IReadOnlyList<DeviceGrant> AllowAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices);

    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> Deny(string cgroupDir, DeviceNumber device) => DenyAll(cgroupDir, [device]);

    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> DenyAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        lock (Gate)
        {
            var held = References.Held(MatchOrThrow(cgroupDir), devices);
            ReleaseBatch(held, denyUnreferenced: false);
            return held;
        }
    }

    /// <inheritdoc />
    public void Deny(DeviceGrant grant) => DenyGrants([grant]);

    /// <inheritdoc />
    public void DenyGrants(IEnumerable<DeviceGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        lock (Gate)
        {
            ReleaseBatch([.. grants], denyUnreferenced: true);
        }
    }

    /// <inheritdoc />
    public void RestoreGrants(IEnumerable<DeviceGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        lock (Gate)
        {
            References.Restore(grants);
        }
    }

    /// <inheritdoc />
    public int GetReferenceCount(DeviceGrant grant)
    {
        lock (Gate)
        {
            return References.Count(grant);
        }
    }

    /// <summary>The cgroups matching the client's pattern; throws <see cref="DeviceCgroupException"/> when none does.</summary>
    private protected abstract IReadOnlyList<MatchedCgroup> MatchOrThrow(string cgroupDir);

    /// <summary>Releases every grant of a batch, then throws one error listing every expected failure; a subclass may share look-ups across the batch.</summary>
    private protected virtual void ReleaseBatch(List<DeviceGrant> grants, bool denyUnreferenced) =>
        DeviceGrantReferences.ReleaseEach(grants, g => Release(g, denyUnreferenced), IsExpected);

    /// <summary>Drops one reference; at the last one (or an unknown one when <paramref name="denyUnreferenced"/>) revokes the device.</summary>
    private protected abstract void Release(DeviceGrant grant, bool denyUnreferenced);

    /// <summary>The failures a batch collects (or a rollback logs) instead of stopping at.</summary>
    private protected abstract bool IsExpected(Exception error);
}
