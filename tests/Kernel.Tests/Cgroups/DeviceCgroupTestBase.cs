using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Tests.Cgroups;

/// <summary>A fake hierarchy with one besteffort pod and helpers shared by the controller tests.</summary>
public abstract class DeviceCgroupTestBase : IDisposable
{
    protected const string PodPattern = "kubepods/besteffort/pod1/*";

    protected static readonly DeviceNumber VfioContainer = new(10, 196);
    protected static readonly DeviceNumber Group = new(241, 3);

    protected DeviceCgroupTestBase()
    {
        Controller = NewController();
    }

    protected FakeCgroupTree Tree { get; } = new();

    protected DeviceCgroupController Controller { get; }

    public void Dispose()
    {
        Tree.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A controller on the same hierarchy, as after a process restart.</summary>
    protected DeviceCgroupController NewController(string? root = null) => new(
        Options.Create(new DeviceCgroupOptions { CgroupRoot = root ?? Tree.Root }),
        NullLogger<DeviceCgroupController>.Instance);

    protected FakeDevicesCgroup AddContainer(string name, IEnumerable<string>? rules = null) =>
        Tree.Add($"kubepods/besteffort/pod1/{name}", rules);
}
