using SriovForwarder.Kernel.Cgroups;

namespace SriovForwarder.Kernel.Tests.Cgroups;

public sealed class DeviceCgroupControllerAllowTests : DeviceCgroupTestBase
{
    [Fact]
    public void Allow_PodWithThreeContainers_GrantsEveryContainerCgroup()
    {
        var containers = new[] { AddContainer("c1"), AddContainer("c2"), AddContainer("c3") };

        var grants = Controller.Allow(PodPattern, VfioContainer);

        Assert.Equal(
            ["kubepods/besteffort/pod1/c1", "kubepods/besteffort/pod1/c2", "kubepods/besteffort/pod1/c3"],
            grants.Select(g => g.CgroupPath));
        foreach (var container in containers)
        {
            Assert.Equal(["allow: c 10:196 rwm"], container.Writes());
            Assert.Equal([.. FakeDevicesCgroup.ContainerDefaults, "c 10:196 rwm"], container.ReadList());
        }
    }

    [Fact]
    public void Allow_OtherPodsCgroups_AreNotTouched()
    {
        var ours = AddContainer("c1");
        var other = Tree.Add("kubepods/besteffort/pod2/c1");

        Controller.Allow(PodPattern, VfioContainer);

        Assert.Single(ours.Writes());
        Assert.Empty(other.Writes());
    }

    [Fact]
    public void Allow_OneContainerAlreadyReferenced_StillGrantsTheOthers()
    {
        // Upstream returned at the first cgroup whose counter was set, leaving later containers without access (#12).
        var first = AddContainer("c1");
        var second = AddContainer("c2");
        Controller.Allow("kubepods/besteffort/pod1/c1", Group);

        var grants = Controller.Allow(PodPattern, Group);

        Assert.Equal(2, grants.Count);
        Assert.Equal(["allow: c 241:3 rwm"], first.Writes());
        Assert.Equal(["allow: c 241:3 rwm"], second.Writes());
        Assert.Equal(2, Controller.GetReferenceCount(grants[0]));
        Assert.Equal(1, Controller.GetReferenceCount(grants[1]));
    }

    [Fact]
    public void Allow_WideContainerCgroup_IsSkippedAndOthersGranted()
    {
        var privileged = AddContainer("c1", FakeDevicesCgroup.Wide);
        var normal = AddContainer("c2");

        var grants = Controller.Allow(PodPattern, VfioContainer);
        Controller.DenyGrants(grants);

        Assert.Equal(["kubepods/besteffort/pod1/c2"], grants.Select(g => g.CgroupPath));
        Assert.Empty(privileged.Writes());
        Assert.Equal(FakeDevicesCgroup.Wide, privileged.ReadList());
        Assert.Equal(["allow: c 10:196 rwm", "deny: c 10:196 rwm"], normal.Writes());
    }

    [Fact]
    public void Allow_ExactRuleAlreadyListed_StillWritesAndTakesReference()
    {
        // An equal rule is not wider (upstream's table): the grant is ours to count and later deny.
        var container = AddContainer("c1", [.. FakeDevicesCgroup.ContainerDefaults, "c 10:196 rwm"]);

        var grants = Controller.Allow(PodPattern, VfioContainer);

        Assert.Single(grants);
        Assert.Equal(["allow: c 10:196 rwm"], container.Writes());
    }

    [Fact]
    public void Allow_QuestionMarkAndStarSegments_MatchLikeAShellGlob()
    {
        var matched = Tree.Add("kubepods/burstable/pod7/abc");
        var notMatched = Tree.Add("kubepods/burstable/pod77/abc");

        Controller.Allow("kubepods/burstable/pod?/a*c", VfioContainer);

        Assert.Single(matched.Writes());
        Assert.Empty(notMatched.Writes());
    }

    [Fact]
    public void Allow_SymlinkInsideRoot_GrantsResolvedCgroupOnce()
    {
        var container = AddContainer("c1");
        Directory.CreateSymbolicLink(Path.Combine(Tree.Root, "kubepods", "alias"), Path.Combine(Tree.Root, "kubepods", "besteffort"));

        var viaAlias = Controller.Allow("kubepods/alias/pod1/*", VfioContainer);
        var direct = Controller.Allow(PodPattern, VfioContainer);

        Assert.Equal(viaAlias, direct);
        Assert.Equal("kubepods/besteffort/pod1/c1", direct[0].CgroupPath);
        Assert.Equal(["allow: c 10:196 rwm"], container.Writes());
        Assert.Equal(2, Controller.GetReferenceCount(direct[0]));
    }

    [Fact]
    public void CgroupRoot_RelativeOrTrailingSlash_IsNormalised()
    {
        var controller = NewController(Tree.Root + "/");

        Assert.Equal(Tree.Root, controller.CgroupRoot);
    }
}
