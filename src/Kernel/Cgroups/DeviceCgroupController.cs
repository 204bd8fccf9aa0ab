using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>cgroup-v1 device rules as upstream's vfio element writes them, with its bugs fixed (§13.1 #11, #12).</summary>
public sealed class DeviceCgroupController(IOptions<DeviceCgroupOptions> options, ILogger<DeviceCgroupController> logger)
    : DeviceGrantController
{
    private readonly CgroupMatcher _matcher = new(options.Value.CgroupRoot);

    /// <inheritdoc />
    public override string CgroupRoot => _matcher.Root;

    /// <inheritdoc />
    public override bool CgroupExists(string cgroupPath) =>
        _matcher.Find(cgroupPath) is not null;

    /// <inheritdoc />
    public override IReadOnlyList<DeviceGrant> AllowAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        lock (Gate)
        {
            var cgroups = MatchOrThrow(cgroupDir);
            var granted = new List<DeviceGrant>();
            // devices.list read once per cgroup for every device of the call: our own allow rules are never wider than
            // another device's rule, so what a device decides on is what the cgroup had when the call began.
            var rules = new Dictionary<string, IReadOnlyList<DeviceRule>>(StringComparer.Ordinal);
            try
            {
                DeviceGrantReferences.AllowEach(cgroups, devices, granted, (cgroup, device) => TryAllow(cgroup, device, RulesOf(cgroup, rules)));
            }
            catch
            {
                DeviceGrantReferences.RollBack(granted, g => Release(g, denyUnreferenced: false), IsExpected, logger);
                throw;
            }

            return granted;
        }
    }

    private protected override IReadOnlyList<MatchedCgroup> MatchOrThrow(string cgroupDir)
    {
        var cgroups = _matcher.Match(cgroupDir);
        if (cgroups.Count > 0)
        {
            return cgroups;
        }

        var hint = File.Exists(Path.Combine(_matcher.Root, CgroupMatcher.ListFile))
            ? ""
            : $" ({_matcher.Root}/{CgroupMatcher.ListFile} does not exist: not a cgroup-v1 devices hierarchy; VFIO device grants need cgroup v1)";
        throw new DeviceCgroupException(
            $"no devices cgroup matches {CgroupMatcher.ParameterName} \"{cgroupDir}\" under {_matcher.Root}{hint}");
    }

    private static IReadOnlyList<DeviceRule> RulesOf(MatchedCgroup cgroup, Dictionary<string, IReadOnlyList<DeviceRule>> read)
    {
        if (!read.TryGetValue(cgroup.Directory, out var rules))
        {
            read[cgroup.Directory] = rules = CgroupFiles.ReadRules(cgroup.Directory);
        }

        return rules;
    }

    private DeviceGrant? TryAllow(MatchedCgroup cgroup, DeviceNumber device, IReadOnlyList<DeviceRule> rules)
    {
        var target = DeviceRule.CharacterDevice(device);
        if (rules.FirstOrDefault(rule => rule.IsWiderThan(target)) is { } wider)
        {
            logger.SkippedWider(cgroup.RelativePath, device, wider);
            return null;
        }

        var grant = new DeviceGrant(cgroup.RelativePath, device);
        var references = References.Count(grant);
        if (references == 0)
        {
            CgroupFiles.WriteRule(cgroup.Directory, CgroupFiles.AllowFile, target);

            logger.Allowed(cgroup.RelativePath, device);
        }
        else
        {
            logger.Referenced(cgroup.RelativePath, device, references + 1);
        }

        References.Set(grant, references + 1);
        return grant;
    }

    private protected override bool IsExpected(Exception error) => error is DeviceCgroupException or ArgumentException;

    // A Close revokes the container and the group device of one cgroup together: the cgroup is looked up (a stat and a
    // realpath) and its devices.list read once for the batch instead of once per device, so a revoke is one write per device.
    // As in AllowAll, our own deny rules are never wider than another device's rule, so what one device decides on is what
    // the cgroup had when the batch began.
    private protected override void ReleaseBatch(List<DeviceGrant> grants, bool denyUnreferenced)
    {
        var cgroups = new Dictionary<string, MatchedCgroup?>(StringComparer.Ordinal);
        var rules = new Dictionary<string, IReadOnlyList<DeviceRule>>(StringComparer.Ordinal);
        DeviceGrantReferences.ReleaseEach(grants, g => Release(g, denyUnreferenced, cgroups, rules), IsExpected);
    }

    private protected override void Release(DeviceGrant grant, bool denyUnreferenced) => Release(grant, denyUnreferenced, null, null);

    private void Release(
        DeviceGrant grant, bool denyUnreferenced, Dictionary<string, MatchedCgroup?>? cgroups, Dictionary<string, IReadOnlyList<DeviceRule>>? rules)
    {
        if (!References.DropLast(grant, denyUnreferenced, logger))
        {
            return;
        }

        if (Find(grant.CgroupPath, cgroups) is not { } cgroup)
        {
            logger.CgroupGone(grant.CgroupPath, grant.Device);
            return;
        }

        var target = DeviceRule.CharacterDevice(grant.Device);
        var current = rules is null ? CgroupFiles.ReadRules(cgroup.Directory) : RulesOf(cgroup, rules);
        if (current.FirstOrDefault(rule => rule.IsWiderThan(target)) is { } wider)
        {
            // Denying inside a wider rule would take away access the cgroup had before we came.
            logger.SkippedWider(cgroup.RelativePath, grant.Device, wider);
            return;
        }

        // To devices.deny: upstream wrote the deny rule to devices.allow, so access was never revoked (bug #11).
        CgroupFiles.WriteRule(cgroup.Directory, CgroupFiles.DenyFile, target);
        logger.Denied(cgroup.RelativePath, grant.Device);
    }

    private MatchedCgroup? Find(string relativePath, Dictionary<string, MatchedCgroup?>? found)
    {
        if (found is null)
        {
            return _matcher.Find(relativePath);
        }

        if (!found.TryGetValue(relativePath, out var cgroup))
        {
            found[relativePath] = cgroup = _matcher.Find(relativePath);
        }

        return cgroup;
    }
}
