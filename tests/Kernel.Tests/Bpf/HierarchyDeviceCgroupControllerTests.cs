using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Tests.Cgroups;
using SriovForwarder.Kernel.Tests.Vfio;
using static SriovForwarder.Kernel.Tests.Bpf.DeviceProgramTestBed;

namespace SriovForwarder.Kernel.Tests.Bpf;

/// <summary>Hierarchy detection and the per-request choice on hybrid nodes: a fake v1 devices tree next to the real cgroup2 mount.</summary>
public sealed class HierarchyDeviceCgroupControllerTests : IDisposable
{
    private readonly DeviceProgramTestBed _bed = new();
    private readonly FakeCgroupTree _v1 = new();
    private readonly TempFolder _empty = new();
    private readonly List<DeviceProgramController> _programs = [];

    public void Dispose()
    {
        _programs.ForEach(p => p.Dispose());
        _v1.Dispose();
        _empty.Dispose();
        _bed.Dispose();
    }

    private HierarchyDeviceCgroupController Controller(string v1Root, string v2Root)
    {
        var options = Options.Create(new DeviceCgroupOptions { CgroupRoot = v1Root, Cgroup2Root = v2Root, BpfPinRoot = _bed.PinRoot });
        // The hierarchy controller borrows its two controllers (DI owns them in the forwarder); the test owns them here.
        var programs = new DeviceProgramController(options, _bed.Bpf, NullLogger<DeviceProgramController>.Instance);
        _programs.Add(programs);
        return new HierarchyDeviceCgroupController(
            new DeviceCgroupController(options, NullLogger<DeviceCgroupController>.Instance),
            programs,
            NullLogger<HierarchyDeviceCgroupController>.Instance);
    }

    [BpfCgroupFact]
    public void Hierarchy_BothRoots_IsHybrid() => Assert.Equal(CgroupHierarchy.Hybrid, Controller(_v1.Root, Cgroup2.Root!).Hierarchy);

    [BpfCgroupFact]
    public void Hierarchy_OnlyCgroup2_IsV2() => Assert.Equal(CgroupHierarchy.V2, Controller(_empty.Path, Cgroup2.Root!).Hierarchy);

    [BpfCgroupFact]
    public void Hierarchy_OnlyV1Devices_IsV1() => Assert.Equal(CgroupHierarchy.V1, Controller(_v1.Root, _empty.Path).Hierarchy);

    [BpfCgroupFact]
    public void Hierarchy_Neither_IsNone() => Assert.Equal(CgroupHierarchy.None, Controller(_empty.Path, _empty.Path).Hierarchy);

    [BpfCgroupFact]
    public void Hierarchy_ParentOfUnifiedMount_FindsUnifiedBelowIt()
    {
        // Hybrid systemd layout: NSM_CGROUP2_PATH names /sys/fs/cgroup and the cgroup2 mount is its unified/ folder.
        var unified = Path.Combine(_empty.Path, "unified");
        Directory.CreateDirectory(unified);
        File.WriteAllText(Path.Combine(unified, "cgroup.controllers"), "");

        var controller = Controller(_v1.Root, _empty.Path);

        Assert.Equal(CgroupHierarchy.Hybrid, controller.Hierarchy);
        using var programs = new DeviceProgramController(
            Options.Create(new DeviceCgroupOptions { Cgroup2Root = _empty.Path }), _bed.Bpf, NullLogger<DeviceProgramController>.Instance);
        Assert.Equal(unified, programs.CgroupRoot);
    }

    [BpfCgroupFact]
    public void Allow_HybridCgroupOnlyInV2_UsesTheDeviceProgram()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var controller = Controller(_v1.Root, Cgroup2.Root!);

        var grants = controller.AllowAll(_bed.Pattern, [GroupA]);
        var granted = probe.Open(_bed.Node(GroupA));
        controller.DenyGrants(grants);

        Assert.Equal("ok", granted);
        Assert.Contains("Operation not permitted", probe.Open(_bed.Node(GroupA)), StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void Allow_HybridCgroupUnderV1Devices_WritesV1RuleAndLeavesV2Alone()
    {
        var container = _bed.AddContainer();
        var v1Container = _v1.Add(container.RelativePath);
        var controller = Controller(_v1.Root, Cgroup2.Root!);

        var grants = controller.AllowAll(_bed.Pattern, [GroupA]);
        controller.DenyGrants(grants);

        Assert.Equal(["allow: c 1:8 rwm", "deny: c 1:8 rwm"], v1Container.Writes());
        Assert.Equal(RuntimeDeviceProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void Allow_HybridNoMatchAnywhere_ThrowsNamingBothRoots()
    {
        var controller = Controller(_v1.Root, Cgroup2.Root!);

        var error = Assert.Throws<DeviceCgroupException>(() => controller.AllowAll(_bed.Pod.RelativePath + "/nothing-*", [GroupA]));

        Assert.Contains(_v1.Root, error.Message, StringComparison.Ordinal);
        Assert.Contains(Cgroup2.Root!, error.Message, StringComparison.Ordinal);
    }
}
