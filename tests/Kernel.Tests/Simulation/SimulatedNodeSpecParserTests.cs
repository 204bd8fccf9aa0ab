using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Kernel.Tests.Simulation;

public sealed class SimulatedNodeSpecParserTests
{
    [Fact]
    public void Parse_Empty_GivesTheDefaultTwoPfsWithEightVfs()
    {
        var spec = SimulatedNodeSpec.Parse("");

        Assert.Same(SimulatedNodeSpec.Default, spec);
        Assert.Equal([8, 8], spec.PhysicalFunctions.Select(p => p.TotalVfs));
        Assert.Equal(["0000:01:00.0", "0000:02:00.0"], [spec.PhysicalFunctionAddress(0), spec.PhysicalFunctionAddress(1)]);
    }

    [Fact]
    public void Parse_EveryKey_AppliesToEveryPf()
    {
        var spec = SimulatedNodeSpec.Parse("pfs=3, vfs=16,numvfs=4,pf-driver=i40e,vf-driver=iavf2,numa=1,vfs-per-group=2,pf-in-group=false,vfio-ids=true,capabilities=intel+25G,domains=a.example+b.example");

        Assert.Equal(3, spec.PhysicalFunctions.Count);
        Assert.True(spec.VfioPciAcceptsDeviceIds);
        Assert.All(spec.PhysicalFunctions, pf =>
        {
            Assert.Equal((16, 4, "i40e", "iavf2", 1, 2, false), (pf.TotalVfs, pf.InitialVfs, pf.PfDriver, pf.VfDriver, pf.NumaNode, pf.VfsPerIommuGroup, pf.PfSharesIommuGroup));
            Assert.Equal(["intel", "25G"], pf.Capabilities);
            Assert.Equal(["a.example", "b.example"], pf.ServiceDomains);
        });
    }

    [Theory]
    [InlineData("pfs=0", "\"pfs\" must be an integer from 1 to 32, got \"0\"")]
    [InlineData("vfs=many", "\"vfs\" must be an integer from 0 to 248, got \"many\"")]
    [InlineData("vfs=4,numvfs=5", "\"numvfs\" must be an integer from 0 to 4, got \"5\"")]
    [InlineData("colour=blue", "unknown key \"colour\"")]
    [InlineData("pfs", "\"pfs\" is not a key=value pair")]
    [InlineData("pfs=1,pfs=2", "key \"pfs\" is given twice")]
    [InlineData("pf-in-group=maybe", "\"pf-in-group\" must be true or false, got \"maybe\"")]
    [InlineData("vf-driver=vfio-pci", "VfDriver \"vfio-pci\" must be a kernel driver name")]
    [InlineData("capabilities=+", "\"capabilities\" needs at least one '+'-separated value")]
    public void Parse_BadInput_ThrowsNamingTheKeyAndValue(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SimulatedNodeSpec.Parse(text));

        Assert.StartsWith($"invalid simulated node spec \"{text}\": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoPfsAtOneAddress_Throws()
    {
        var spec = new SimulatedNodeSpec
        {
            PhysicalFunctions = [new() { Address = "0000:05:00.0" }, new() { Address = "0000:05:00.0" }],
        };

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Equal("physical function 1: address 0000:05:00.0 is used twice", error.Message);
    }
}
