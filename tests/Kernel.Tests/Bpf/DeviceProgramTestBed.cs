using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Bpf;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Tests.Vfio;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Tests.Bpf;

/// <summary>
/// A pod on a cgroup v2 node in miniature: a pod cgroup2 folder with container folders under it, each with a
/// runtime-like device program (allows /dev/null and /dev/zero), device nodes made with mknod, and a private bpffs
/// for the pins. Everything is removed on dispose, children first.
/// </summary>
internal sealed class DeviceProgramTestBed : IDisposable
{
    // Real device numbers, so that an open the cgroup permits also succeeds: /dev/full, /dev/random, /dev/urandom, /dev/kmsg.
    public static readonly DeviceNumber VfioContainer = new(1, 7);
    public static readonly DeviceNumber GroupA = new(1, 8);
    public static readonly DeviceNumber GroupB = new(1, 9);
    public static readonly DeviceNumber NeverGiven = new(1, 11);

    private readonly List<TestCgroup> _containers = [];
    private readonly List<BpfHandle> _handles = [];
    private readonly List<DeviceProgramController> _controllers = [];
    private readonly TempFolder _dev = new();

    public DeviceProgramTestBed()
    {
        Pod = new TestCgroup();
        foreach (var (name, device) in new[] { ("vfio", VfioContainer), ("42", GroupA), ("43", GroupB), ("never", NeverGiven) })
        {
            Mknod.CreateCharacterDevice(Path.Combine(_dev.Path, name), device);
        }
    }

    public BpfSyscalls Bpf { get; } = new();

    public PrivateBpfFs BpfFs { get; } = new();

    public TestCgroup Pod { get; }

    public string Pattern => Pod.RelativePath + "/*";

    public string PinRoot => Path.Combine(BpfFs.Path, "nsm");

    public string Node(DeviceNumber device) => Path.Combine(_dev.Path, device switch
    {
        _ when device == VfioContainer => "vfio",
        _ when device == GroupA => "42",
        _ when device == GroupB => "43",
        _ => "never",
    });

    /// <summary>A container cgroup with the runtime-like program attached (<paramref name="flags"/> as the runtime chose), or none.</summary>
    public TestCgroup AddContainer(bool withRuntimeProgram = true, uint flags = BpfTypes.AttachAllowMulti)
    {
        // Named in creation order, so that the controller (which handles matches in ordinal order) meets them in that order.
        var container = new TestCgroup(Pod.RelativePath, $"container{_containers.Count + 1}");
        _containers.Add(container);
        if (withRuntimeProgram)
        {
            _handles.Add(RuntimeDeviceProgram.AttachNullAndZero(Bpf, container.Folder, flags));
        }

        return container;
    }

    /// <summary>A new controller on the same cgroups and pins, as after a process restart.</summary>
    public DeviceProgramController NewController()
    {
        var options = Options.Create(new DeviceCgroupOptions { Cgroup2Root = Cgroup2.Root!, BpfPinRoot = PinRoot });
        var controller = new DeviceProgramController(options, Bpf, NullLogger<DeviceProgramController>.Instance);
        _controllers.Add(controller);
        return controller;
    }

    /// <summary>The ids of the device programs attached to the cgroup itself.</summary>
    public IReadOnlyList<uint> Attached(TestCgroup cgroup)
    {
        using var target = Bpf.OpenCgroup(cgroup.Folder);
        return Bpf.Query(target, BpfTypes.AttachCgroupDevice).ProgramIds;
    }

    public string AttachedName(TestCgroup cgroup)
    {
        using var program = Bpf.GetProgramById(Assert.Single(Attached(cgroup)));
        return Bpf.GetProgramInfo(program).Name;
    }

    public void Dispose()
    {
        _controllers.ForEach(c => c.Dispose());
        for (var i = _containers.Count - 1; i >= 0; i--)
        {
            _containers[i].Dispose();
        }

        Pod.Dispose();
        _handles.ForEach(h => h.Dispose());
        BpfFs.Dispose();
        _dev.Dispose();
    }
}
