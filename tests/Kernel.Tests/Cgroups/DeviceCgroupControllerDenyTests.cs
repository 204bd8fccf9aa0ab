using SriovForwarder.Kernel.Cgroups;

namespace SriovForwarder.Kernel.Tests.Cgroups;

public sealed class DeviceCgroupControllerDenyTests : DeviceCgroupTestBase
{
    [Fact]
    public void Deny_LastReference_WritesDevicesDenyAndAccessIsGone()
    {
        // Upstream wrote the deny rule to devices.allow, so access was never revoked (#11).
        var containers = new[] { AddContainer("c1"), AddContainer("c2") };
        Controller.Allow(PodPattern, VfioContainer);

        var released = Controller.Deny(PodPattern, VfioContainer);

        Assert.Equal(2, released.Count);
        foreach (var container in containers)
        {
            Assert.Equal(["allow: c 10:196 rwm", "deny: c 10:196 rwm"], container.Writes());
            Assert.Equal(FakeDevicesCgroup.ContainerDefaults, container.ReadList());
        }
    }

    [Fact]
    public void Deny_TwoConnectionsShareDevice_FirstCloseKeepsAccessSecondRevokes()
    {
        var containers = new[] { AddContainer("c1"), AddContainer("c2") };
        var first = Controller.AllowAll(PodPattern, [VfioContainer, Group]);
        var second = Controller.AllowAll(PodPattern, [VfioContainer]);

        Controller.DenyGrants(first);

        foreach (var container in containers)
        {
            Assert.Equal(["allow: c 10:196 rwm", "allow: c 241:3 rwm", "deny: c 241:3 rwm"], container.Writes());
            Assert.Contains("c 10:196 rwm", container.ReadList());
        }

        Controller.DenyGrants(second);

        foreach (var container in containers)
        {
            Assert.Equal("deny: c 10:196 rwm", container.Writes()[^1]);
            Assert.Equal(FakeDevicesCgroup.ContainerDefaults, container.ReadList());
        }
    }

    [Fact]
    public void DenyGrants_BothDevicesOfTwoCgroupsInOneBatch_DeniesEachWhereNoWiderRuleHoldsIt()
    {
        // One Close revokes both devices of every cgroup in one batch (one look-up and one devices.list read per cgroup):
        // a wider rule the runtime added in one cgroup keeps its device there only.
        var plain = AddContainer("c1");
        var widened = AddContainer("c2");
        var grants = Controller.AllowAll(PodPattern, [VfioContainer, Group]);
        widened.RuntimeAllow("c 241:* rwm");

        Controller.DenyGrants(grants);

        Assert.Equal(["deny: c 10:196 rwm", "deny: c 241:3 rwm"], plain.Writes().TakeLast(2));
        Assert.Equal("deny: c 10:196 rwm", widened.Writes()[^1]);
        Assert.DoesNotContain("deny: c 241:3 rwm", widened.Writes());
        Assert.All(grants, g => Assert.Equal(0, Controller.GetReferenceCount(g)));
    }

    [Fact]
    public void Deny_PatternOnCgroupWithoutReference_WritesNothingThere()
    {
        // A container started after the grant never had the device; a deny there is not ours to write.
        var early = AddContainer("c1");
        Controller.Allow(PodPattern, VfioContainer);
        var late = AddContainer("c2");

        var released = Controller.Deny(PodPattern, VfioContainer);

        Assert.Equal(["kubepods/besteffort/pod1/c1"], released.Select(g => g.CgroupPath));
        Assert.Equal("deny: c 10:196 rwm", early.Writes()[^1]);
        Assert.Empty(late.Writes());
    }

    [Fact]
    public void Deny_PodGone_ThrowsNoMatch()
    {
        var error = Assert.Throws<DeviceCgroupException>(() => Controller.Deny(PodPattern, VfioContainer));

        Assert.StartsWith("no devices cgroup matches cgroupDir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DenyGrants_AfterRestart_WritesDevicesDeny()
    {
        var container = AddContainer("c1");
        var persisted = Controller.AllowAll(PodPattern, [VfioContainer, Group]);

        NewController().DenyGrants(persisted);

        Assert.Equal(FakeDevicesCgroup.ContainerDefaults, container.ReadList());
        Assert.Equal(2, container.Writes().Count(w => w.StartsWith("deny:", StringComparison.Ordinal)));
    }

    [Fact]
    public void RestoreGrants_TwoConnectionsBeforeRestart_FirstCloseAfterRestartKeepsSharedDevice()
    {
        var container = AddContainer("c1");
        var first = Controller.AllowAll(PodPattern, [VfioContainer, Group]);
        var second = Controller.AllowAll(PodPattern, [VfioContainer]);
        var restarted = NewController();
        restarted.RestoreGrants([.. first, .. second]);

        restarted.DenyGrants(first);

        Assert.Equal([.. FakeDevicesCgroup.ContainerDefaults, "c 10:196 rwm"], container.ReadList());
        Assert.Equal(1, restarted.GetReferenceCount(second[0]));

        restarted.DenyGrants(second);

        Assert.Equal(FakeDevicesCgroup.ContainerDefaults, container.ReadList());
    }

    [Fact]
    public void DenyGrants_OneCgroupGone_DeniesTheOthersWithoutError()
    {
        var kept = AddContainer("c1");
        var removed = AddContainer("c2");
        var grants = Controller.Allow(PodPattern, VfioContainer);
        removed.Dispose();
        Directory.Delete(removed.Directory, recursive: true);

        Controller.DenyGrants(grants);

        Assert.Equal("deny: c 10:196 rwm", kept.Writes()[^1]);
        Assert.All(grants, grant => Assert.Equal(0, Controller.GetReferenceCount(grant)));
    }

    [Fact]
    public void DenyGrants_CgroupBecameWide_DoesNotDenyInsideWiderRule()
    {
        var container = AddContainer("c1");
        var grants = Controller.Allow(PodPattern, VfioContainer);
        container.RuntimeAllow("a *:* rwm");

        Controller.DenyGrants(grants);

        Assert.Equal(["allow: c 10:196 rwm", "allow: a *:* rwm"], container.Writes());
        Assert.Equal(FakeDevicesCgroup.Wide, container.ReadList());
        Assert.Equal(0, Controller.GetReferenceCount(grants[0]));
    }

    [Fact]
    public void DenyGrants_WriteFails_TriesTheRestAndThrowsNamingTheFile()
    {
        var broken = Tree.Add("kubepods/besteffort/pod1/c1");
        var fine = AddContainer("c2");
        var grants = Controller.Allow(PodPattern, VfioContainer);
        broken.Dispose(); // removes its devices.deny
        var denyFile = Path.Combine(broken.Directory, "devices.deny");

        var error = Assert.Throws<DeviceCgroupException>(() => Controller.DenyGrants(grants));

        Assert.StartsWith("denying 1 of 2 device grants failed: writing \"c 10:196 rwm\" to " + denyFile, error.Message, StringComparison.Ordinal);
        Assert.Equal("deny: c 10:196 rwm", fine.Writes()[^1]);
    }
}
