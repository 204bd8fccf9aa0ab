using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>
/// The process-wide <see cref="IDeviceCgroupController"/>: detects the node's cgroup hierarchies at start and, per
/// request, sends the grant to the hierarchy the container runtime uses for that pod: cgroup v1 when the client's
/// cgroups exist under the v1 devices controller, else cgroup v2 (decision 009).
/// </summary>
public sealed class HierarchyDeviceCgroupController : IDeviceCgroupController
{
    private readonly DeviceCgroupController _v1;
    private readonly DeviceProgramController _v2;
    private readonly CgroupMatcher _v1Matcher;
    private readonly ILogger<HierarchyDeviceCgroupController> _logger;

    /// <summary>Detects the hierarchies below the two controllers' roots and logs which mode grants use.</summary>
    public HierarchyDeviceCgroupController(DeviceCgroupController v1, DeviceProgramController v2, ILogger<HierarchyDeviceCgroupController> logger)
    {
        ArgumentNullException.ThrowIfNull(v1);
        ArgumentNullException.ThrowIfNull(v2);
        _v1 = v1;
        _v2 = v2;
        _logger = logger;
        _v1Matcher = new CgroupMatcher(v1.CgroupRoot);
        var hasV1 = File.Exists(Path.Combine(v1.CgroupRoot, CgroupMatcher.ListFile));
        var hasV2 = Cgroup2Roots.IsCgroup2(v2.CgroupRoot);
        Hierarchy = (hasV1, hasV2) switch
        {
            (true, true) => CgroupHierarchy.Hybrid,
            (true, false) => CgroupHierarchy.V1,
            (false, true) => CgroupHierarchy.V2,
            _ => CgroupHierarchy.None,
        };
        logger.HierarchyDetected(Describe(Hierarchy), v1.CgroupRoot, hasV1 ? "found" : "absent", v2.CgroupRoot, hasV2 ? "found" : "absent");
    }

    /// <summary>The hierarchies found at start.</summary>
    public CgroupHierarchy Hierarchy { get; }

    /// <inheritdoc />
    public string CgroupRoot => Hierarchy == CgroupHierarchy.V2 ? _v2.CgroupRoot : _v1.CgroupRoot;

    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> Allow(string cgroupDir, DeviceNumber device) => AllowAll(cgroupDir, [device]);

    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> AllowAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices) => For(cgroupDir).AllowAll(cgroupDir, devices);

    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> Deny(string cgroupDir, DeviceNumber device) => DenyAll(cgroupDir, [device]);

    /// <inheritdoc />
    public IReadOnlyList<DeviceGrant> DenyAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices) => For(cgroupDir).DenyAll(cgroupDir, devices);

    /// <inheritdoc />
    public void Deny(DeviceGrant grant) => DenyGrants([grant]);

    /// <inheritdoc />
    public void DenyGrants(IEnumerable<DeviceGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var byController = grants.GroupBy(For).ToList();
        var failures = new List<DeviceCgroupException>();
        foreach (var group in byController)
        {
            try
            {
                group.Key.DenyGrants(group);
            }
            catch (DeviceCgroupException error)
            {
                failures.Add(error);
            }
        }

        if (failures.Count > 0)
        {
            throw failures.Count == 1 ? failures[0] : new DeviceCgroupException(string.Join("; ", failures.Select(f => f.Message)), new AggregateException(failures));
        }
    }

    /// <inheritdoc />
    public void RestoreGrants(IEnumerable<DeviceGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        foreach (var group in grants.GroupBy(For))
        {
            group.Key.RestoreGrants(group);
        }
    }

    /// <inheritdoc />
    public int GetReferenceCount(DeviceGrant grant) => For(grant).GetReferenceCount(grant);

    /// <inheritdoc />
    public bool CgroupExists(string cgroupPath) => Hierarchy switch
    {
        CgroupHierarchy.V2 => _v2.CgroupExists(cgroupPath),
        CgroupHierarchy.Hybrid => _v1.CgroupExists(cgroupPath) || _v2.CgroupExists(cgroupPath),
        _ => _v1.CgroupExists(cgroupPath),
    };

    private IDeviceCgroupController For(string cgroupDir)
    {
        var useV2 = Hierarchy switch
        {
            CgroupHierarchy.V2 => true,
            CgroupHierarchy.Hybrid => _v1Matcher.Match(cgroupDir).Count == 0,
            _ => false,
        };
        if (Hierarchy == CgroupHierarchy.Hybrid && useV2 && !_v2.Matches(cgroupDir))
        {
            throw new DeviceCgroupException(
                $"no cgroup matches {CgroupMatcher.ParameterName} \"{cgroupDir}\" under the cgroup v1 devices root {_v1.CgroupRoot} nor under the cgroup v2 root {_v2.CgroupRoot}");
        }

        _logger.HierarchyChosen(cgroupDir, useV2 ? "v2 (eBPF device program)" : "v1 (devices controller)");
        return useV2 ? _v2 : _v1;
    }

    // A persisted grant goes back to the hierarchy that holds its cgroup, by the same rule as the request that made it.
    private IDeviceCgroupController For(DeviceGrant grant) => Hierarchy switch
    {
        CgroupHierarchy.V2 => _v2,
        CgroupHierarchy.Hybrid when _v1Matcher.Find(grant.CgroupPath) is null && _v2.Contains(grant) => _v2,
        _ => _v1,
    };

    private static string Describe(CgroupHierarchy hierarchy) => hierarchy switch
    {
        CgroupHierarchy.V1 => "cgroup v1 (devices controller)",
        CgroupHierarchy.V2 => "cgroup v2 (eBPF device programs)",
        CgroupHierarchy.Hybrid => "hybrid: cgroup v1 where the client's cgroups exist under the devices controller, else cgroup v2",
        _ => "neither: no cgroup v1 devices hierarchy and no cgroup v2 mount, so VFIO grants will fail",
    };
}
