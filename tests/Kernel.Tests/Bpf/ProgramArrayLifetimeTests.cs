using SriovForwarder.Kernel.Bpf;

namespace SriovForwarder.Kernel.Tests.Bpf;

/// <summary>
/// Why the device-grant program's maps are pinned: the kernel empties a program array when its last user reference
/// (an fd or a pin) goes, even while an attached program still uses it, so a forwarder that exits without a pin would
/// leave the container's cgroup denying every device.
/// </summary>
public sealed class ProgramArrayLifetimeTests
{
    private readonly BpfSyscalls _bpf = new();

    [BpfCgroupFact]
    public void ProgramArray_EveryFdClosedWithoutPin_KernelEmptiesItAndRuntimeRulesAreLost()
    {
        using var cgroup = new TestCgroup();
        TakeOverAndCloseEverything(cgroup.Folder, pinFolder: null);
        var probe = cgroup.StartProbe();

        Assert.True(Eventually.Within(() => probe.Open("/dev/null").Contains("Operation not permitted", StringComparison.Ordinal), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100)),
            "/dev/null stayed allowed after the program array lost its last fd");
    }

    [BpfCgroupFact]
    public void ProgramArray_PinnedThenEveryFdClosed_RuntimeRulesStillApply()
    {
        using var bpffs = new PrivateBpfFs();
        using var cgroup = new TestCgroup();
        TakeOverAndCloseEverything(cgroup.Folder, bpffs.Path);
        var probe = cgroup.StartProbe();

        // Same wait as the unpinned case, so that a deferred clear would have happened.
        Assert.False(Eventually.Within(() => probe.Open("/dev/null") != "ok", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100)), "/dev/null became denied although the program array is pinned");
        Assert.Contains("Operation not permitted", probe.Open("/dev/urandom"), StringComparison.Ordinal);
    }

    private void TakeOverAndCloseEverything(string cgroupDir, string? pinFolder)
    {
        using var runtime = RuntimeDeviceProgram.AttachNullAndZero(_bpf, cgroupDir);
        using var target = _bpf.OpenCgroup(cgroupDir);
        using var grants = _bpf.CreateMap(BpfTypes.MapHash, DeviceGrantProgram.KeySize, DeviceGrantProgram.ValueSize, 8, "test_grants");
        using var originals = _bpf.CreateMap(BpfTypes.MapProgramArray, 4, 4, 1, "test_orig");
        _bpf.UpdateElement(originals, new byte[4], BitConverter.GetBytes(runtime.Fd));
        using var ours = _bpf.LoadProgram(BpfTypes.ProgramCgroupDevice, DeviceGrantProgram.Assemble(grants.Fd, originals.Fd),
            DeviceGrantProgram.Name, BpfTypes.AttachCgroupDevice);
        if (pinFolder is not null)
        {
            _bpf.Pin(originals, Path.Combine(pinFolder, "originals"));
        }

        _bpf.Attach(target, ours, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
        _bpf.Detach(target, runtime, BpfTypes.AttachCgroupDevice);
    }

    // The kernel clears a program array from a work queue, so look a few times before concluding.
}
