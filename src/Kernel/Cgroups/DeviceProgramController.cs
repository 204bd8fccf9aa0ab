using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Bpf;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>
/// Device grants on cgroup v2, where the container runtime's eBPF device program decides: the same contract as the v1
/// <see cref="DeviceCgroupController"/> (a reference per cgroup and device, all-or-nothing with rollback, patterns confined
/// below the root), carried out by swapping our <see cref="DeviceGrantProgram"/> in for the runtime's (see decision 009).
/// </summary>
public sealed partial class DeviceProgramController(IOptions<DeviceCgroupOptions> options, IBpf bpf, ILogger<DeviceProgramController> logger)
    : DeviceGrantController, IDisposable
{
    private readonly CgroupMatcher _matcher = new(Cgroup2Roots.Resolve(options.Value.Cgroup2Root), CgroupMatcher.ProcsFile);
    private readonly string _pinRoot = options.Value.BpfPinRoot;
    private readonly Dictionary<string, DeviceProgramTakeover> _takeovers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string CgroupRoot => _matcher.Root;

    /// <summary>Whether any cgroup matches the pattern in this hierarchy (the hybrid-node choice asks this).</summary>
    public bool Matches(string cgroupDir) => _matcher.Match(cgroupDir).Count > 0;

    /// <summary>Whether the persisted grant's cgroup exists in this hierarchy.</summary>
    public bool Contains(DeviceGrant grant) => grant is not null && _matcher.Find(grant.CgroupPath) is not null;

    /// <inheritdoc />
    public override bool CgroupExists(string cgroupPath) => _matcher.Find(cgroupPath) is not null;

    /// <inheritdoc />
    public override IReadOnlyList<DeviceGrant> AllowAll(string cgroupDir, IReadOnlyList<DeviceNumber> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        lock (Gate)
        {
            var cgroups = MatchOrThrow(cgroupDir);
            var granted = new List<DeviceGrant>();
            try
            {
                DeviceGrantReferences.AllowEach(cgroups, devices, granted, TryAllow);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                RollBack(granted, cgroups);
                throw Wrap(error, $"granting devices in cgroups \"{cgroupDir}\"");
            }

            return granted;
        }
    }

    /// <summary>Closes this process's descriptors; attached programs and pins stay, so grants outlive the process.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            foreach (var takeover in _takeovers.Values)
            {
                takeover.Dispose();
            }

            _takeovers.Clear();
        }
    }

    private protected override IReadOnlyList<MatchedCgroup> MatchOrThrow(string cgroupDir)
    {
        var cgroups = _matcher.Match(cgroupDir);
        return cgroups.Count > 0
            ? cgroups
            : throw new DeviceCgroupException($"no cgroup matches {CgroupMatcher.ParameterName} \"{cgroupDir}\" under the cgroup v2 root {_matcher.Root}");
    }

    private DeviceGrant? TryAllow(MatchedCgroup cgroup, DeviceNumber device)
    {
        var grant = new DeviceGrant(cgroup.RelativePath, device);
        var references = References.Count(grant);
        if (references == 0)
        {
            if (TakeOver(cgroup) is not { } takeover)
            {
                logger.NoDeviceProgram(cgroup.RelativePath, device);
                return null;
            }

            takeover.Grant(device);
            logger.ProgramAllowed(cgroup.RelativePath, device);
        }
        else
        {
            logger.Referenced(cgroup.RelativePath, device, references + 1);
        }

        References.Set(grant, references + 1);
        return grant;
    }

    // The takeover of the cgroup, opened on first use; _takeovers owns it (disposed by Forget and Dispose), callers only borrow it.
    private DeviceProgramTakeover? TakeOver(MatchedCgroup cgroup, bool takeOver = true)
    {
        if (!_takeovers.ContainsKey(cgroup.RelativePath))
        {
            Open(cgroup, takeOver);
        }

        return _takeovers.GetValueOrDefault(cgroup.RelativePath);
    }

    [SuppressMessage("Reliability", "CA2000", Justification = "Stored in _takeovers, which Forget and Dispose empty; CA2000 does not follow ownership into a collection.")]
    private void Open(MatchedCgroup cgroup, bool takeOver)
    {
        var takeover = DeviceProgramTakeover.Open(bpf, cgroup.Directory, PinFolder(cgroup.RelativePath), takeOver);
        if (takeover is not null)
        {
            _takeovers[cgroup.RelativePath] = takeover;
            logger.TookOver(cgroup.RelativePath, takeover.Adopted ? "adopted" : "swapped in", takeover.PinFolder);
        }
    }

    private void RollBack(List<DeviceGrant> granted, IReadOnlyList<MatchedCgroup> cgroups)
    {
        DeviceGrantReferences.RollBack(granted, g => Release(g, denyUnreferenced: false), IsExpected, logger);

        // A cgroup taken over in this call whose grant then failed holds no grant: give the runtime's program back.
        foreach (var cgroup in cgroups.Where(c => !HasReferences(c.RelativePath)))
        {
            try
            {
                GiveBack(cgroup.RelativePath);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                logger.GiveBackFailed(error, cgroup.RelativePath);
            }
        }
    }

    private protected override bool IsExpected(Exception error) => error is IOException or UnauthorizedAccessException or ArgumentException;

    private protected override void Release(DeviceGrant grant, bool denyUnreferenced)
    {
        if (!References.DropLast(grant, denyUnreferenced, logger))
        {
            return;
        }

        if (_matcher.Find(grant.CgroupPath) is not { } cgroup)
        {
            // The kernel detached every program with the cgroup; only our pins are left.
            logger.CgroupGone(grant.CgroupPath, grant.Device);
            Forget(grant.CgroupPath);
            DeviceProgramTakeover.RemovePins(PinFolder(grant.CgroupPath));
            return;
        }

        try
        {
            // Only our own program, swapped in earlier (by this or a previous process), has anything to revoke.
            if (TakeOver(cgroup, takeOver: false) is not { } takeover)
            {
                logger.NothingToRevoke(grant.CgroupPath, grant.Device);
                return;
            }

            takeover.Revoke(grant.Device);
            logger.ProgramDenied(grant.CgroupPath, grant.Device);
            if (!HasReferences(grant.CgroupPath))
            {
                GiveBack(grant.CgroupPath);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw Wrap(error, $"denying c {grant.Device} in cgroup {grant.CgroupPath}");
        }
    }

    private void GiveBack(string relativePath)
    {
        // The map, not only this process's counts, decides: after a restart it holds grants not restored yet.
        if (!_takeovers.TryGetValue(relativePath, out var takeover) || !takeover.IsEmpty())
        {
            return;
        }

        _takeovers.Remove(relativePath);

        using (takeover)
        {
            var restored = takeover.GiveBack();
            logger.GaveBack(relativePath, restored ? "the runtime's program is attached again" : "the runtime had already replaced our program");
        }
    }

    private void Forget(string relativePath)
    {
        if (_takeovers.Remove(relativePath, out var takeover))
        {
            takeover.Dispose();
        }
    }

    private bool HasReferences(string relativePath) => References.AnyIn(relativePath);

    /// <summary>One bpffs folder per cgroup, named by its relative path with <c>%</c> and <c>/</c> escaped so the name is reversible.</summary>
    private string PinFolder(string relativePath) =>
        Path.Combine(_pinRoot, relativePath.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal));

    private static DeviceCgroupException Wrap(Exception error, string what) =>
        error as DeviceCgroupException ?? new DeviceCgroupException($"{what} (cgroup v2 device program): {error.Message}", error);
}
