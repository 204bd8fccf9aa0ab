using SriovForwarder.Kernel.Cgroups;

namespace SriovForwarder.Kernel.Tests.Cgroups;

public sealed class DeviceCgroupControllerPatternTests : DeviceCgroupTestBase
{
    [Fact]
    public void Allow_NoCgroupMatches_ThrowsNamingPatternAndRootAndWritesNothing()
    {
        var container = AddContainer("c1");

        var error = Assert.Throws<DeviceCgroupException>(() => Controller.Allow("kubepods/besteffort/pod9/*", VfioContainer));

        Assert.Equal($"no devices cgroup matches cgroupDir \"kubepods/besteffort/pod9/*\" under {Tree.Root}", error.Message);
        Assert.Empty(container.Writes());
    }

    [Fact]
    public void Allow_DirectoryWithoutDevicesList_DoesNotCountAsMatch()
    {
        Directory.CreateDirectory(Path.Combine(Tree.Root, "kubepods/besteffort/pod1/c1"));

        Assert.Throws<DeviceCgroupException>(() => Controller.Allow(PodPattern, VfioContainer));
    }

    [Fact]
    public void Allow_CgroupV2StyleRoot_ErrorSaysCgroupV1IsNeeded()
    {
        var unified = Path.Combine(Tree.Parent, "unified");
        Directory.CreateDirectory(Path.Combine(unified, "kubepods/besteffort/pod1/c1"));

        var error = Assert.Throws<DeviceCgroupException>(() => NewController(unified).Allow(PodPattern, VfioContainer));

        Assert.Contains($"{unified}/devices.list does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("need cgroup v1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../devices/kubepods/besteffort/pod1/*", "it must not contain \"..\" segments")]
    [InlineData("kubepods/besteffort/pod1/../pod1/*", "it must not contain \"..\" segments")]
    [InlineData("kubepods/besteffort/pod1/c1/..", "it must not contain \"..\" segments")]
    [InlineData("/kubepods/besteffort/pod1/*", "it must be relative to the devices cgroup root")]
    [InlineData("./", "it names the devices cgroup root itself")]
    public void Allow_InvalidPattern_ThrowsNamingParameterAndValueAndWritesNothing(string pattern, string problem)
    {
        var container = AddContainer("c1");

        var error = Assert.Throws<ArgumentException>(() => Controller.Allow(pattern, VfioContainer));

        Assert.Equal("cgroupDir", error.ParamName);
        Assert.StartsWith($"cgroupDir \"{pattern}\" is invalid: {problem}", error.Message, StringComparison.Ordinal);
        Assert.Empty(container.Writes());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Allow_EmptyPattern_ThrowsNamingParameter(string pattern)
    {
        var error = Assert.Throws<ArgumentException>(() => Controller.Allow(pattern, VfioContainer));

        Assert.StartsWith("cgroupDir is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allow_SymlinkEscapingRoot_ThrowsAndWritesNowhere()
    {
        var inside = AddContainer("c1");
        using var outside = new FakeDevicesCgroup(Path.Combine(Tree.Parent, "elsewhere"), FakeDevicesCgroup.ContainerDefaults);
        var link = Path.Combine(Tree.Root, "kubepods/besteffort/pod1/evil");
        Directory.CreateSymbolicLink(link, outside.Directory);

        var error = Assert.Throws<ArgumentException>(() => Controller.Allow(PodPattern, VfioContainer));

        Assert.Equal(
            $"cgroupDir \"{PodPattern}\" is invalid: it matches {link}, which resolves to {outside.Directory}, outside the devices cgroup root {Tree.Root} (Parameter 'cgroupDir')",
            error.Message);
        Assert.Empty(inside.Writes());
        Assert.Empty(outside.Writes());
    }

    [Fact]
    public void Allow_SymlinkedAncestorEscapingRoot_Throws()
    {
        var outsidePods = Path.Combine(Tree.Parent, "pods");
        using var outside = new FakeDevicesCgroup(Path.Combine(outsidePods, "pod1", "c1"), FakeDevicesCgroup.ContainerDefaults);
        Directory.CreateDirectory(Path.Combine(Tree.Root, "kubepods"));
        Directory.CreateSymbolicLink(Path.Combine(Tree.Root, "kubepods", "besteffort"), outsidePods);

        Assert.Throws<ArgumentException>(() => Controller.Allow(PodPattern, VfioContainer));
        Assert.Empty(outside.Writes());
    }

    [Theory]
    [InlineData("../outside/c1")]
    [InlineData("/etc")]
    public void Deny_GrantWithEscapingPath_ThrowsAndWritesNothing(string path)
    {
        var container = AddContainer("c1");

        var error = Assert.Throws<DeviceCgroupException>(() => Controller.Deny(new DeviceGrant(path, VfioContainer)));

        Assert.Contains($"CgroupPath \"{path}\" is invalid", error.Message, StringComparison.Ordinal);
        Assert.Empty(container.Writes());
    }
}
