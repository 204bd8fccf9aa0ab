using SriovForwarder.Kernel.Bpf;
using static SriovForwarder.Kernel.Tests.Bpf.DeviceProgramTestBed;

namespace SriovForwarder.Kernel.Tests.Bpf;

/// <summary>Reconcile against the real kernel: a runtime that replaces our program (runc update) and cgroups that disappear.</summary>
public sealed class DeviceProgramReconcileTests : IDisposable
{
    private const string Denied = "Operation not permitted";

    private readonly DeviceProgramTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [BpfCgroupFact]
    public void Reconcile_RuntimeReplacedOurProgram_ReappliesGrantsInFrontOfItsNewProgram()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var controller = _bed.NewController();
        var grants = controller.AllowAll(_bed.Pattern, [GroupA]);
        using var updated = RuntimeDeviceProgram.Load(_bed.Bpf, (1, 3)); // the update keeps /dev/null only
        RuncUpdate(container, updated);
        var lost = probe.Open(_bed.Node(GroupA));

        var repaired = controller.Reconcile();

        Assert.Contains(Denied, lost, StringComparison.Ordinal);
        Assert.Equal(1, repaired);
        Assert.Equal("ok", probe.Open(_bed.Node(GroupA)));
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Contains(Denied, probe.Open("/dev/zero"), StringComparison.Ordinal);
        Assert.Equal(DeviceGrantProgram.Name, _bed.AttachedName(container));
        controller.DenyGrants(grants);
        Assert.Equal(_bed.Bpf.GetProgramInfo(updated).Id, Assert.Single(_bed.Attached(container)));
    }

    [BpfCgroupFact]
    public void Reconcile_OurProgramInPlace_ChangesNothing()
    {
        var container = _bed.AddContainer();
        var controller = _bed.NewController();
        controller.AllowAll(_bed.Pattern, [GroupA]);
        var before = Assert.Single(_bed.Attached(container));

        var repaired = controller.Reconcile();

        Assert.Equal(0, repaired);
        Assert.Equal(before, Assert.Single(_bed.Attached(container)));
    }

    [BpfCgroupFact]
    public void Reconcile_AfterRestartWithRestoredGrants_AdoptsWithoutReapplying()
    {
        var container = _bed.AddContainer();
        var probe = container.StartProbe();
        var first = _bed.NewController();
        var grants = first.AllowAll(_bed.Pattern, [GroupA]);
        first.Dispose();
        var restarted = _bed.NewController();
        restarted.RestoreGrants(grants);

        var repaired = restarted.Reconcile();

        Assert.Equal(0, repaired);
        Assert.Equal("ok", probe.Open(_bed.Node(GroupA)));
    }

    [BpfCgroupFact]
    public void Reconcile_CgroupRemoved_RemovesItsPins()
    {
        var container = _bed.AddContainer();
        var controller = _bed.NewController();
        controller.AllowAll(_bed.Pattern, [GroupA]);
        var pinsBefore = Directory.EnumerateDirectories(_bed.PinRoot).Count();

        container.Dispose(); // the pod's container is gone: the kernel drops its programs, our pins stay
        controller.Reconcile();

        Assert.Equal(1, pinsBefore);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bed.PinRoot));
    }

    private void RuncUpdate(TestCgroup container, BpfHandle updated)
    {
        // What runc does on update: attach the new program, then detach every old one.
        using var target = _bed.Bpf.OpenCgroup(container.Folder);
        using var ours = _bed.Bpf.GetProgramById(Assert.Single(_bed.Attached(container)));
        _bed.Bpf.Attach(target, updated, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
        _bed.Bpf.Detach(target, ours, BpfTypes.AttachCgroupDevice);
    }
}
