using SriovForwarder.Kernel.Cgroups;

namespace SriovForwarder.Kernel.Tests.Cgroups;

public sealed class DeviceCgroupControllerRollbackTests : DeviceCgroupTestBase
{
    /// <summary>A container cgroup that already has every char device of major 10 and whose devices.allow is gone.</summary>
    private string AddBrokenContainer(string name)
    {
        var dir = Path.Combine(Tree.Root, "kubepods/besteffort/pod1", name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "devices.list"), "c 10:* rwm\n");
        return dir;
    }

    [Fact]
    public void AllowAll_SecondDeviceFails_UndoesFirstDeviceAndThrowsNamingFile()
    {
        var container = AddContainer("c1");
        var broken = AddBrokenContainer("c2");

        var error = Assert.Throws<DeviceCgroupException>(() => Controller.AllowAll(PodPattern, [VfioContainer, Group]));

        Assert.StartsWith($"writing \"c 241:3 rwm\" to {broken}/devices.allow failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["allow: c 10:196 rwm", "allow: c 241:3 rwm", "deny: c 241:3 rwm", "deny: c 10:196 rwm"],
            container.Writes());
        Assert.Equal(FakeDevicesCgroup.ContainerDefaults, container.ReadList());
        Assert.Equal(0, Controller.GetReferenceCount(new DeviceGrant("kubepods/besteffort/pod1/c1", VfioContainer)));
    }

    [Fact]
    public void AllowAll_FailsWhileDeviceSharedWithEarlierConnection_KeepsEarlierAccess()
    {
        var container = AddContainer("c1");
        var earlier = Controller.Allow(PodPattern, VfioContainer);
        AddBrokenContainer("c2");

        Assert.Throws<DeviceCgroupException>(() => Controller.AllowAll(PodPattern, [VfioContainer, Group]));

        Assert.Equal([.. FakeDevicesCgroup.ContainerDefaults, "c 10:196 rwm"], container.ReadList());
        Assert.Equal(1, Controller.GetReferenceCount(earlier[0]));
    }

    [Fact]
    public void Allow_FailsInLaterCgroup_UndoesEarlierCgroups()
    {
        var first = AddContainer("a1");
        var brokenDir = Path.Combine(Tree.Root, "kubepods/besteffort/pod1/b2");
        Directory.CreateDirectory(brokenDir);
        File.WriteAllText(Path.Combine(brokenDir, "devices.list"), "c 136:* rwm\n");

        Assert.Throws<DeviceCgroupException>(() => Controller.Allow(PodPattern, Group));

        Assert.Equal(["allow: c 241:3 rwm", "deny: c 241:3 rwm"], first.Writes());
        Assert.Equal(FakeDevicesCgroup.ContainerDefaults, first.ReadList());
    }

    [Fact]
    public void Allow_InvalidDevicesList_ThrowsNamingFileAndLine()
    {
        var dir = Path.Combine(Tree.Root, "kubepods/besteffort/pod1/c1");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "devices.list"), "c 1:2 rwm\nnonsense\n");

        var error = Assert.Throws<DeviceCgroupException>(() => Controller.Allow(PodPattern, Group));

        Assert.Equal($"cannot read {dir}/devices.list: invalid device string: nonsense", error.Message);
    }

    [Fact]
    public void AllowAndDeny_ManyThreadsOnSharedDevice_EndWithoutRuleOrReference()
    {
        var container = AddContainer("c1");

        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            Controller.DenyGrants(Controller.AllowAll(PodPattern, [VfioContainer, Group])));

        var writes = container.Writes();
        Assert.Equal(FakeDevicesCgroup.ContainerDefaults, container.ReadList());
        Assert.Equal(
            writes.Count(w => w.StartsWith("allow:", StringComparison.Ordinal)),
            writes.Count(w => w.StartsWith("deny:", StringComparison.Ordinal)));
        Assert.Equal(0, Controller.GetReferenceCount(new DeviceGrant("kubepods/besteffort/pod1/c1", Group)));
    }
}
