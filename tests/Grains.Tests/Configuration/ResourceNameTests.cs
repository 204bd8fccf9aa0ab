using SriovForwarder.Grains.Configuration;

namespace SriovForwarder.Grains.Tests.Configuration;

public sealed class ResourceNameTests
{
    [Theory]
    [InlineData("worker.domain", "10G", "worker.domain/10G")]
    [InlineData("worker.domain/", "10G", "worker.domain/10G")]
    [InlineData("worker.domain//", "/10G", "worker.domain/10G")]
    [InlineData("a/./b", "c", "a/b/c")]
    [InlineData("a/b/..", "c", "a/c")]
    [InlineData("", "10G", "10G")]
    [InlineData("/a", "b/", "/a/b")]
    [InlineData("a", "..", ".")]
    public void Join_LikeGoPathJoin_CollapsesAndCleans(string domain, string capability, string expected)
    {
        Assert.Equal(expected, ResourceName.Join(domain, capability));
    }

    [Fact]
    public void ResourceNames_UpstreamTokenPoolExample_GivesFiveNames()
    {
        // upstream-behaviour.md §5.2.1: PF1 sd1 × {intel, 10G}; PF2 {sd1, sd2} × {intel, 20G}.
        var config = new SriovConfig(
        [
            new PhysicalFunctionConfig("0000:01:00.0", "pf", "vf", ["intel", "10G"], ["sd1"], [new("0000:01:00.1", 1)]),
            new PhysicalFunctionConfig("0000:02:00.0", "pf", "vf", ["intel", "20G"], ["sd1", "sd2"],
                [new("0000:02:00.1", 1), new("0000:02:00.2", 2), new("0000:02:00.3", 3)]),
        ]);

        Assert.Equal(["sd1/intel", "sd1/10G"], config.PhysicalFunctions[0].ResourceNames);
        Assert.Equal(["sd1/intel", "sd1/20G", "sd2/intel", "sd2/20G"], config.PhysicalFunctions[1].ResourceNames);
        Assert.Equal(["sd1/intel", "sd1/10G", "sd1/20G", "sd2/intel", "sd2/20G"], config.ResourceNames);
    }

    [Fact]
    public void ResourceNames_RepeatedCapability_IsListedOnce()
    {
        var pf = new PhysicalFunctionConfig("0000:01:00.0", "pf", "vf", ["intel", "intel"], ["sd"], []);

        Assert.Equal(["sd/intel"], pf.ResourceNames);
    }

    [Theory]
    [InlineData("worker.domain", true)]
    [InlineData("sd1", true)]
    [InlineData("a-b.c-d", true)]
    [InlineData("Worker.domain", false)]
    [InlineData("worker_domain", false)]
    [InlineData("-worker", false)]
    [InlineData("worker.", false)]
    [InlineData("worker..domain", false)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("worker\n", false)]
    public void IsValidServiceDomain_KubernetesDnsSubdomainRules(string domain, bool expected)
    {
        Assert.Equal(expected, ResourceName.IsValidServiceDomain(domain));
    }

    [Fact]
    public void IsValidServiceDomain_LabelOver63Characters_IsRefused()
    {
        Assert.True(ResourceName.IsValidServiceDomain(new string('a', 63) + ".x"));
        Assert.False(ResourceName.IsValidServiceDomain(new string('a', 64) + ".x"));
    }

    [Theory]
    [InlineData("10G", true)]
    [InlineData("intel_x710.v2-a", true)]
    [InlineData("I", true)]
    [InlineData("10 G", false)]
    [InlineData("_intel", false)]
    [InlineData("intel.", false)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    public void IsValidCapability_KubernetesNameRules(string capability, bool expected)
    {
        Assert.Equal(expected, ResourceName.IsValidCapability(capability));
    }

    [Fact]
    public void IsValidCapability_Over63Characters_IsRefused()
    {
        Assert.True(ResourceName.IsValidCapability(new string('a', 63)));
        Assert.False(ResourceName.IsValidCapability(new string('a', 64)));
    }
}
