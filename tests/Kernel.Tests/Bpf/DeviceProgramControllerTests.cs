using SriovForwarder.Kernel.Bpf;
using SriovForwarder.Kernel.Cgroups;
using static SriovForwarder.Kernel.Tests.Bpf.DeviceProgramTestBed;

namespace SriovForwarder.Kernel.Tests.Bpf;

/// <summary>cgroup v2 grants against the real kernel: a process in a container cgroup whose runtime program allows /dev/null and /dev/zero.</summary>
public sealed class DeviceProgramControllerTests : IDisposable
{
    private const string Denied = "Operation not permitted";

    private readonly DeviceProgramTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [BpfCgroupFact]
    public void AllowAll_ContainerWithRuntimeProgram_GrantedDevicesOpenAndRuntimeRulesStay()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var controller = _bed.NewController();

        var grants = controller.AllowAll(_bed.Pattern, [VfioContainer, GroupA]);

        Assert.Equal([new DeviceGrant(container.RelativePath, VfioContainer), new DeviceGrant(container.RelativePath, GroupA)], grants);
        Assert.Equal("ok", probe.Open(_bed.Node(VfioContainer)));
        Assert.Equal("ok", probe.Open(_bed.Node(GroupA)));
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Equal("ok", probe.Open("/dev/zero"));
        Assert.Contains(Denied, probe.Open(_bed.Node(NeverGiven)), StringComparison.Ordinal);
        Assert.Contains(Denied, probe.Open("/dev/urandom"), StringComparison.Ordinal);
        Assert.Equal(DeviceGrantProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void DenyGrants_LastGrants_DeniedAgainAndRuntimeProgramBackAndPinsGone()
    {
        var container = _bed.AddContainer();
        var runtimeId = Assert.Single(_bed.Attached(container));
        var probe = container.StartProbe();
        var controller = _bed.NewController();
        var grants = controller.AllowAll(_bed.Pattern, [VfioContainer, GroupA]);

        controller.DenyGrants(grants);

        Assert.Contains(Denied, probe.Open(_bed.Node(VfioContainer)), StringComparison.Ordinal);
        Assert.Contains(Denied, probe.Open(_bed.Node(GroupA)), StringComparison.Ordinal);
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Equal(runtimeId, Assert.Single(_bed.Attached(container)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bed.PinRoot));
    }

    [BpfCgroupFact]
    public void DenyGrants_TwoConnectionsInOneCgroup_EachKeepsItsOwnAndTheSharedDevice()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var controller = _bed.NewController();
        var first = controller.AllowAll(_bed.Pattern, [VfioContainer, GroupA]);
        var second = controller.AllowAll(_bed.Pattern, [VfioContainer, GroupB]);

        controller.DenyGrants(first);
        var sharedAfterFirst = probe.Open(_bed.Node(VfioContainer));
        var firstGroupAfterFirst = probe.Open(_bed.Node(GroupA));
        var secondGroupAfterFirst = probe.Open(_bed.Node(GroupB));
        controller.DenyGrants(second);

        Assert.Equal("ok", sharedAfterFirst);
        Assert.Contains(Denied, firstGroupAfterFirst, StringComparison.Ordinal);
        Assert.Equal("ok", secondGroupAfterFirst);
        Assert.Contains(Denied, probe.Open(_bed.Node(VfioContainer)), StringComparison.Ordinal);
        Assert.Contains(Denied, probe.Open(_bed.Node(GroupB)), StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void AllowAll_SecondCgroupHasTwoPrograms_FailsNamingItAndFirstKeepsRuntimeProgram()
    {
        var first = _bed.AddContainer();
        var second = _bed.AddContainer();
        using (var extra = RuntimeDeviceProgram.Load(_bed.Bpf, (1, 3)))
        using (var target = _bed.Bpf.OpenCgroup(second.Folder))
        {
            _bed.Bpf.Attach(target, extra, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
        }

        var (good, bad) = (first, second);
        var probe = good.StartProbe();
        var controller = _bed.NewController();

        var error = Assert.Throws<DeviceCgroupException>(() => controller.AllowAll(_bed.Pattern, [VfioContainer, GroupA]));

        Assert.Contains(bad.Folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("2 device programs", error.Message, StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, _bed.AttachedName(good));
        Assert.Contains(Denied, probe.Open(_bed.Node(VfioContainer)), StringComparison.Ordinal);
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Equal(0, controller.GetReferenceCount(new DeviceGrant(good.RelativePath, VfioContainer)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bed.PinRoot));
    }

    [BpfCgroupFact]
    public void AllowAll_CgroupWithoutDeviceProgram_GrantsNothingThere()
    {
        var restricted = _bed.AddContainer();
        var open = _bed.AddContainer(withRuntimeProgram: false);
        var controller = _bed.NewController();

        var grants = controller.AllowAll(_bed.Pattern, [VfioContainer]);

        Assert.Equal([new DeviceGrant(restricted.RelativePath, VfioContainer)], grants);
        Assert.Empty(_bed.Attached(open));
    }

    [BpfCgroupFact]
    public void RestoreGrants_AfterRestart_GrantsStillWorkAndDenyGivesRuntimeProgramBack()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var first = _bed.NewController();
        var grants = first.AllowAll(_bed.Pattern, [VfioContainer, GroupA]);
        first.Dispose();

        var restarted = _bed.NewController();
        restarted.RestoreGrants(grants);
        var grantedAfterRestart = probe.Open(_bed.Node(GroupA));
        restarted.DenyGrants(grants);

        Assert.Equal("ok", grantedAfterRestart);
        Assert.Contains(Denied, probe.Open(_bed.Node(GroupA)), StringComparison.Ordinal);
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Equal(RuntimeDeviceProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void Allow_AfterFirstProcessExited_PinsKeepRuntimeRulesAndGrantsAlive()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var first = _bed.NewController();
        var grants = first.AllowAll(_bed.Pattern, [GroupA]);

        first.Dispose(); // every fd of the first process closed, as after kill -9

        Assert.Equal("ok", probe.Open(_bed.Node(GroupA)));
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Contains(Denied, probe.Open("/dev/urandom"), StringComparison.Ordinal);
        Assert.Single(grants);
    }

    [BpfCgroupFact]
    public void DenyGrants_UnknownAfterRestart_StillRevokedAndRuntimeProgramBack()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var grants = _bed.NewController().AllowAll(_bed.Pattern, [GroupA]);

        _bed.NewController().DenyGrants(grants);

        Assert.Contains(Denied, probe.Open(_bed.Node(GroupA)), StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void DenyGrants_RuntimeReplacedOurProgram_LeavesRuntimesNewProgramAndRemovesPins()
    {
        var container = _bed.AddContainer();
        var controller = _bed.NewController();
        var grants = controller.AllowAll(_bed.Pattern, [GroupA]);
        using var updated = RuntimeDeviceProgram.Load(_bed.Bpf, (1, 3));
        using (var target = _bed.Bpf.OpenCgroup(container.Folder))
        using (var ours = _bed.Bpf.GetProgramById(Assert.Single(_bed.Attached(container))))
        {
            // What runc update does: attach the new program, detach every old one.
            _bed.Bpf.Attach(target, updated, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
            _bed.Bpf.Detach(target, ours, BpfTypes.AttachCgroupDevice);
        }

        controller.DenyGrants(grants);

        Assert.Equal(_bed.Bpf.GetProgramInfo(updated).Id, Assert.Single(_bed.Attached(container)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bed.PinRoot));
    }

    [BpfCgroupFact]
    public void AllowAndDeny_RuntimeAttachedWithoutFlags_ReplacedAndRestoredInPlace()
    {
        var container = _bed.AddContainer(flags: BpfTypes.AttachExclusive);
        var probe = container.StartProbe();
        var controller = _bed.NewController();

        var grants = controller.AllowAll(_bed.Pattern, [GroupA]);
        var granted = probe.Open(_bed.Node(GroupA));
        var ours = _bed.AttachedName(container);
        controller.DenyGrants(grants);

        Assert.Equal("ok", granted);
        Assert.Equal(DeviceGrantProgram.Name, ours);
        Assert.Contains(Denied, probe.Open(_bed.Node(GroupA)), StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void AllowAll_NoCgroupMatches_ThrowsNamingPatternAndV2Root()
    {
        var controller = _bed.NewController();

        var error = Assert.Throws<DeviceCgroupException>(() => controller.AllowAll(_bed.Pod.RelativePath + "/nothing-*", [GroupA]));

        Assert.Contains("nothing-*", error.Message, StringComparison.Ordinal);
        Assert.Contains(Cgroup2.Root!, error.Message, StringComparison.Ordinal);
    }

    [BpfCgroupFact]
    public void AllowAll_PatternEscapingRoot_ThrowsArgumentExceptionNamingCgroupDir()
    {
        var controller = _bed.NewController();

        var error = Assert.Throws<ArgumentException>(() => controller.AllowAll("../etc", [GroupA]));

        Assert.Equal("cgroupDir", error.ParamName);
    }

    [BpfCgroupFact]
    public void DenyGrants_AfterRestartOtherGrantNotRestoredYet_KeepsOurProgramAndThatGrant()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var first = _bed.NewController();
        first.AllowAll(_bed.Pattern, [GroupA]);
        first.Dispose();
        var restarted = _bed.NewController();

        // A new connection comes and goes before the first connection's grain has restored its grant.
        restarted.DenyGrants(restarted.AllowAll(_bed.Pattern, [GroupB]));

        Assert.Equal("ok", probe.Open(_bed.Node(GroupA)));
        Assert.Contains(Denied, probe.Open(_bed.Node(GroupB)), StringComparison.Ordinal);
        Assert.Equal(DeviceGrantProgram.Name, _bed.AttachedName(container));
    }

    [BpfCgroupFact]
    public void NextKey_GrantsMap_ListsFirstKeyThenEnds()
    {
        using var map = _bed.Bpf.CreateMap(BpfTypes.MapHash, DeviceGrantProgram.KeySize, DeviceGrantProgram.ValueSize, 4, "test_keys");
        var key = new byte[DeviceGrantProgram.KeySize];
        var emptyAtFirst = !_bed.Bpf.NextKey(map, [], key);
        _bed.Bpf.UpdateElement(map, DeviceGrantProgram.Key(1, 8), DeviceGrantProgram.FullAccess());

        var found = _bed.Bpf.NextKey(map, [], key);
        var more = _bed.Bpf.NextKey(map, key, new byte[DeviceGrantProgram.KeySize]);

        Assert.True(emptyAtFirst);
        Assert.True(found);
        Assert.Equal(DeviceGrantProgram.Key(1, 8), key);
        Assert.False(more);
    }

    [BpfCgroupFact]
    public void DenyGrants_AfterRestartPinsRemoved_FailsNamingMissingPinAndKeepsOurProgram()
    {
        var container = _bed.AddContainer();
        var first = _bed.NewController();
        var grants = first.AllowAll(_bed.Pattern, [GroupA]);
        var pinFolder = Assert.Single(Directory.EnumerateDirectories(_bed.PinRoot));
        File.Delete(Path.Combine(pinFolder, "grants"));
        first.Dispose();

        var error = Assert.Throws<DeviceCgroupException>(() => _bed.NewController().DenyGrants(grants));

        Assert.Contains(Path.Combine(pinFolder, "grants"), error.Message, StringComparison.Ordinal);
        Assert.Contains(container.Folder, error.Message, StringComparison.Ordinal);
        Assert.Equal(DeviceGrantProgram.Name, _bed.AttachedName(container));
    }
}
