using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>
/// This process's references on device grants, one count per (cgroup, device), and the all-or-nothing batch steps the
/// cgroup v1 and v2 controllers share around them. Not thread-safe: each controller calls it under its own lock.
/// </summary>
internal sealed class DeviceGrantReferences
{
    private readonly Dictionary<DeviceGrant, int> _counts = [];

    /// <summary>Every grant with at least one reference.</summary>
    public IEnumerable<DeviceGrant> Grants => _counts.Keys;

    /// <summary>The references held on <paramref name="grant"/> (0 when none).</summary>
    public int Count(DeviceGrant grant) => _counts.GetValueOrDefault(grant);

    /// <summary>Sets the count; 0 forgets the grant.</summary>
    public void Set(DeviceGrant grant, int count)
    {
        if (count == 0)
        {
            _counts.Remove(grant);
        }
        else
        {
            _counts[grant] = count;
        }
    }

    /// <summary>
    /// Drops one reference and says whether the grant must now be revoked: true at the last reference, or for one this
    /// process does not know when <paramref name="denyUnreferenced"/> (a grant persisted before a restart).
    /// </summary>
    public bool DropLast(DeviceGrant grant, bool denyUnreferenced, ILogger logger)
    {
        var references = Count(grant);
        if (references > 1)
        {
            Set(grant, references - 1);
            logger.Released(grant.CgroupPath, grant.Device, references - 1);
            return false;
        }

        if (references == 0 && !denyUnreferenced)
        {
            return false;
        }

        Set(grant, 0);
        return true;
    }

    /// <summary>Whether any device is referenced in the cgroup.</summary>
    public bool AnyIn(string cgroupPath) => _counts.Keys.Any(g => g.CgroupPath == cgroupPath);

    /// <summary>Takes one more reference on each grant (persisted before a restart).</summary>
    public void Restore(IEnumerable<DeviceGrant> grants)
    {
        foreach (var grant in grants)
        {
            _counts[grant] = Count(grant) + 1;
        }
    }

    /// <summary>The grants of <paramref name="devices"/> in <paramref name="cgroups"/> this process holds a reference on.</summary>
    public List<DeviceGrant> Held(IReadOnlyList<MatchedCgroup> cgroups, IReadOnlyList<DeviceNumber> devices) =>
        // Only cgroups where this process holds a reference: a cgroup created after the grant never had it.
        [.. devices.SelectMany(device => cgroups.Select(cgroup => new DeviceGrant(cgroup.RelativePath, device))).Where(grant => Count(grant) > 0)];

    /// <summary>Allows every device in every cgroup (not only up to the first one already referenced, as upstream did), adding each grant to <paramref name="granted"/>.</summary>
    public static void AllowEach(
        IReadOnlyList<MatchedCgroup> cgroups, IReadOnlyList<DeviceNumber> devices, List<DeviceGrant> granted, Func<MatchedCgroup, DeviceNumber, DeviceGrant?> tryAllow)
    {
        foreach (var device in devices)
        {
            foreach (var cgroup in cgroups)
            {
                if (tryAllow(cgroup, device) is { } grant)
                {
                    granted.Add(grant);
                }
            }
        }
    }

    /// <summary>Releases what a failed batch granted, newest first; a failure to release is logged, not thrown.</summary>
    public static void RollBack(List<DeviceGrant> granted, Action<DeviceGrant> release, Func<Exception, bool> expected, ILogger logger)
    {
        for (var i = granted.Count - 1; i >= 0; i--)
        {
            try
            {
                release(granted[i]);
            }
            catch (Exception error) when (expected(error))
            {
                logger.RollbackFailed(error, granted[i].CgroupPath, granted[i].Device);
            }
        }
    }

    /// <summary>Releases every grant, then throws one error listing every expected failure.</summary>
    public static void ReleaseEach(List<DeviceGrant> grants, Action<DeviceGrant> release, Func<Exception, bool> expected)
    {
        var failures = new List<Exception>();
        foreach (var grant in grants)
        {
            try
            {
                release(grant);
            }
            catch (Exception error) when (expected(error))
            {
                failures.Add(error);
            }
        }

        if (failures.Count > 0)
        {
            throw new DeviceCgroupException(
                $"denying {failures.Count} of {grants.Count} device grants failed: {string.Join("; ", failures.Select(f => f.Message))}",
                failures.Count == 1 ? failures[0] : new AggregateException(failures));
        }
    }
}
