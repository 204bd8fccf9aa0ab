using System.Buffers.Binary;
using SriovForwarder.Kernel.Bpf;
using SriovForwarder.Kernel.Tests.Vfio;
using SriovForwarder.Kernel.Vfio;
using static SriovForwarder.Kernel.Bpf.BpfRegister;

namespace SriovForwarder.Kernel.Tests.Bpf;

/// <summary>The bpf(2) layer against the running kernel: real programs, maps and cgroup2 folders with a process inside.</summary>
public sealed class BpfSyscallsTests : IDisposable
{
    private readonly BpfSyscalls _bpf = new();
    private readonly TempFolder _dev = new();

    public void Dispose() => _dev.Dispose();

    [BpfCgroupFact]
    public void LoadProgram_ExitWithoutSettingR0_ThrowsNamingProgramErrnoAndVerifierLog()
    {
        var error = Assert.Throws<BpfException>(() =>
            _bpf.LoadProgram(BpfTypes.ProgramCgroupDevice, new BpfAssembler().Exit().Build(), "bad_prog", BpfTypes.AttachCgroupDevice));

        Assert.Contains("BPF_PROG_LOAD of program bad_prog", error.Message, StringComparison.Ordinal);
        Assert.Contains("EACCES", error.Message, StringComparison.Ordinal);
        Assert.Contains("R0 !read_ok", error.VerifierLog, StringComparison.Ordinal);
    }

    [BpfCgroupFact]
    public void MapElements_HashMap_UpdateLookupDeleteRoundTrip()
    {
        using var map = _bpf.CreateMap(BpfTypes.MapHash, 12, 4, 8, "test_map");
        var key = DeviceGrantProgram.Key(10, 196);
        var value = new byte[4];

        _bpf.UpdateElement(map, key, DeviceGrantProgram.FullAccess());
        var found = _bpf.LookupElement(map, key, value);
        var deleted = _bpf.DeleteElement(map, key);
        var foundAfter = _bpf.LookupElement(map, key, value);
        var deletedAgain = _bpf.DeleteElement(map, key);

        Assert.True(found);
        Assert.Equal(DeviceGrantProgram.AccessAll, BinaryPrimitives.ReadUInt32LittleEndian(value));
        Assert.True(deleted);
        Assert.False(foundAfter);
        Assert.False(deletedAgain);
    }

    [BpfCgroupFact]
    public void Attach_RuntimeLikeProgram_ProcessInsideOpensOnlyListedDevices()
    {
        using var cgroup = new TestCgroup();
        using var program = RuntimeDeviceProgram.AttachNullAndZero(_bpf, cgroup.Folder);
        var probe = cgroup.StartProbe();

        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Equal("ok", probe.Open("/dev/zero"));
        Assert.Contains("Operation not permitted", probe.Open("/dev/urandom"), StringComparison.Ordinal);
    }

    [BpfCgroupFact]
    public void Query_AfterAttach_ReportsProgramIdAndAllowMultiAndInfoNamesIt()
    {
        using var cgroup = new TestCgroup();
        using var program = RuntimeDeviceProgram.AttachNullAndZero(_bpf, cgroup.Folder);
        using var target = _bpf.OpenCgroup(cgroup.Folder);

        var attached = _bpf.Query(target, BpfTypes.AttachCgroupDevice);
        var info = _bpf.GetProgramInfo(program);
        using var byId = _bpf.GetProgramById(Assert.Single(attached.ProgramIds));

        Assert.Equal(BpfTypes.AttachAllowMulti, attached.AttachFlags);
        Assert.Equal(info.Id, attached.ProgramIds[0]);
        Assert.Equal(RuntimeDeviceProgram.Name, info.Name);
        Assert.Equal(BpfTypes.ProgramCgroupDevice, info.Type);
        Assert.Equal(info.Id, _bpf.GetProgramInfo(byId).Id);
    }

    [BpfCgroupFact]
    public void Detach_RuntimeLikeProgram_ProcessOpensEveryDeviceAgain()
    {
        using var cgroup = new TestCgroup();
        using var program = RuntimeDeviceProgram.AttachNullAndZero(_bpf, cgroup.Folder);
        using var target = _bpf.OpenCgroup(cgroup.Folder);
        var probe = cgroup.StartProbe();

        _bpf.Detach(target, program, BpfTypes.AttachCgroupDevice);

        Assert.Equal("ok", probe.Open("/dev/urandom"));
        Assert.Empty(_bpf.Query(target, BpfTypes.AttachCgroupDevice).ProgramIds);
    }

    [BpfCgroupFact]
    public void Detach_ProgramNotAttached_ThrowsNamingProgramAndCgroup()
    {
        using var cgroup = new TestCgroup();
        using var program = RuntimeDeviceProgram.Load(_bpf, (1, 3));
        using var target = _bpf.OpenCgroup(cgroup.Folder);

        var error = Assert.Throws<BpfException>(() => _bpf.Detach(target, program, BpfTypes.AttachCgroupDevice));

        Assert.Contains($"program {RuntimeDeviceProgram.Name}", error.Message, StringComparison.Ordinal);
        Assert.Contains(cgroup.Folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("ENOENT", error.Message, StringComparison.Ordinal);
    }

    [BpfCgroupFact]
    public void DeviceGrantProgram_InFrontOfRuntimeProgram_AllowsGrantsAndDefersTheRest()
    {
        using var cgroup = new TestCgroup();
        using var runtime = RuntimeDeviceProgram.AttachNullAndZero(_bpf, cgroup.Folder);
        using var target = _bpf.OpenCgroup(cgroup.Folder);
        using var grants = _bpf.CreateMap(BpfTypes.MapHash, DeviceGrantProgram.KeySize, DeviceGrantProgram.ValueSize, 8, "test_grants");
        using var originals = _bpf.CreateMap(BpfTypes.MapProgramArray, 4, 4, 1, "test_orig");
        _bpf.UpdateElement(originals, new byte[4], BitConverter.GetBytes(runtime.Fd));
        using var ours = _bpf.LoadProgram(BpfTypes.ProgramCgroupDevice, DeviceGrantProgram.Assemble(grants.Fd, originals.Fd),
            DeviceGrantProgram.Name, BpfTypes.AttachCgroupDevice);
        _bpf.Attach(target, ours, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
        _bpf.Detach(target, runtime, BpfTypes.AttachCgroupDevice);
        var granted = Path.Combine(_dev.Path, "vfio");
        Mknod.CreateCharacterDevice(granted, 1, 7); // /dev/full's numbers, so that a permitted open succeeds
        var probe = cgroup.StartProbe();

        var before = probe.Open(granted);
        _bpf.UpdateElement(grants, DeviceGrantProgram.Key(1, 7), DeviceGrantProgram.FullAccess());
        var afterGrant = probe.Open(granted);
        var nullAfterGrant = probe.Open("/dev/null");
        var neverGiven = probe.Open("/dev/urandom");
        _bpf.DeleteElement(grants, DeviceGrantProgram.Key(1, 7));
        var afterRevoke = probe.Open(granted);

        Assert.Contains("Operation not permitted", before, StringComparison.Ordinal);
        Assert.Equal("ok", afterGrant);
        Assert.Equal("ok", nullAfterGrant);
        Assert.Contains("Operation not permitted", neverGiven, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", afterRevoke, StringComparison.Ordinal);
    }

    [BpfCgroupFact]
    public void DeviceGrantProgram_EmptyProgramArray_DeniesWhatIsNotGranted()
    {
        using var cgroup = new TestCgroup();
        using var target = _bpf.OpenCgroup(cgroup.Folder);
        using var grants = _bpf.CreateMap(BpfTypes.MapHash, DeviceGrantProgram.KeySize, DeviceGrantProgram.ValueSize, 8, "test_grants");
        using var originals = _bpf.CreateMap(BpfTypes.MapProgramArray, 4, 4, 1, "test_orig");
        using var ours = _bpf.LoadProgram(BpfTypes.ProgramCgroupDevice, DeviceGrantProgram.Assemble(grants.Fd, originals.Fd),
            DeviceGrantProgram.Name, BpfTypes.AttachCgroupDevice);
        _bpf.Attach(target, ours, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
        var probe = cgroup.StartProbe();

        Assert.Contains("Operation not permitted", probe.Open("/dev/null"), StringComparison.Ordinal);
    }
}
