using SriovForwarder.Grains.Configuration;

namespace SriovForwarder.Grains.Tests.Configuration;

public sealed class SriovConfigReaderTests
{
    // Upstream's acceptance fixture (sdk-sriov pkg/sriov/config/config.yml).
    private const string UpstreamFixture = """
        ---
        physicalFunctions:
          0000:01:00.0:
            pfKernelDriver: pf-driver
            vfKernelDriver: vf-driver
            capabilities:
              - intel
              - 10G
            serviceDomains:
              - service.domain.1
            virtualFunctions:
              - address: 0000:01:00.1
                iommuGroup: 1
              - address: 0000:01:00.2
                iommuGroup: 2
          0000:02:00.0:
            pfKernelDriver: pf-driver
            vfKernelDriver: vf-driver
            capabilities:
              - intel
              - 20G
            serviceDomains:
              - service.domain.1
              - service.domain.2
            virtualFunctions:
              - address: 0000:02:00.1
                iommuGroup: 1
              - address: 0000:02:00.2
                iommuGroup: 2
              - address: 0000:02:00.3
                iommuGroup: 3
        """;

    [Fact]
    public void Parse_UpstreamFixture_GivesExactlyItsStructureInOrder()
    {
        var config = SriovConfigReader.Parse(UpstreamFixture, "config.yml");

        Assert.Collection(
            config.PhysicalFunctions,
            pf =>
            {
                Assert.Equal(("0000:01:00.0", "pf-driver", "vf-driver"), (pf.Address, pf.PfKernelDriver, pf.VfKernelDriver));
                Assert.Equal(["intel", "10G"], pf.Capabilities);
                Assert.Equal(["service.domain.1"], pf.ServiceDomains);
                Assert.Equal([new("0000:01:00.1", 1), new VirtualFunctionConfig("0000:01:00.2", 2)], pf.VirtualFunctions);
            },
            pf =>
            {
                Assert.Equal(("0000:02:00.0", "pf-driver", "vf-driver"), (pf.Address, pf.PfKernelDriver, pf.VfKernelDriver));
                Assert.Equal(["intel", "20G"], pf.Capabilities);
                Assert.Equal(["service.domain.1", "service.domain.2"], pf.ServiceDomains);
                Assert.Equal(
                    [new("0000:02:00.1", 1), new("0000:02:00.2", 2), new VirtualFunctionConfig("0000:02:00.3", 3)],
                    pf.VirtualFunctions);
            });
    }

    [Fact]
    public void ReadFile_UpstreamFixtureOnDisk_GivesTheSameAsParse()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sriov-config-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, UpstreamFixture);
        try
        {
            var config = SriovConfigReader.ReadFile(path);

            Assert.Equal(["0000:01:00.0", "0000:02:00.0"], config.PhysicalFunctions.Select(pf => pf.Address));
            Assert.Equal(5, config.PhysicalFunctions.Sum(pf => pf.VirtualFunctions.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadFile_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "pci.config");

        var error = Assert.Throws<SriovConfigException>(() => SriovConfigReader.ReadFile(path));

        Assert.StartsWith($"{path}: cannot read the SR-IOV config file: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.SourceName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("---\n")]
    [InlineData("# only a comment\n")]
    [InlineData("~\n")]
    [InlineData("physicalFunctions:\n")]
    [InlineData("physicalFunctions: {}\n")]
    [InlineData("somethingElse: 1\n")]
    public void Parse_EmptyConfig_GivesNoPhysicalFunctions(string yaml)
    {
        Assert.Empty(SriovConfigReader.Parse(yaml, "pci.config").PhysicalFunctions);
    }

    [Fact]
    public void ReadFile_DevNull_GivesEmptyConfigLikeUpstreamsTestImage()
    {
        Assert.Empty(SriovConfigReader.ReadFile("/dev/null").PhysicalFunctions);
    }

    [Fact]
    public void Parse_KeysInAnyCase_AreMatchedAndUnknownKeysIgnored()
    {
        const string yaml = """
            PHYSICALFUNCTIONS:
              0000:01:00.0:
                PfKernelDriver: i40e
                VFKERNELDRIVER: iavf
                Capabilities: [intel]
                servicedomains: [worker.domain]
                comment: ignored, as upstream ignores unknown keys
                VirtualFunctions:
                  - ADDRESS: 0000:01:02.0
                    IommuGroup: 51
                    extra: ignored
            unknownTopLevel: [1, 2]
            """;

        var pf = Assert.Single(SriovConfigReader.Parse(yaml, "pci.config").PhysicalFunctions);

        Assert.Equal(("i40e", "iavf"), (pf.PfKernelDriver, pf.VfKernelDriver));
        Assert.Equal(["intel"], pf.Capabilities);
        Assert.Equal(["worker.domain"], pf.ServiceDomains);
        Assert.Equal([new VirtualFunctionConfig("0000:01:02.0", 51)], pf.VirtualFunctions);
    }

    [Fact]
    public void Parse_VirtualFunctionListedTwice_IsKeptOnce()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
                virtualFunctions:
                  - {address: 0000:01:02.0, iommuGroup: 51}
                  - {address: 0000:01:02.1, iommuGroup: 52}
                  - {address: 0000:01:02.0, iommuGroup: 51}
            """;

        var pf = Assert.Single(SriovConfigReader.Parse(yaml, "pci.config").PhysicalFunctions);

        Assert.Equal([new("0000:01:02.0", 51), new VirtualFunctionConfig("0000:01:02.1", 52)], pf.VirtualFunctions);
    }

    [Fact]
    public void Parse_WithoutVirtualFunctions_GivesAnEmptyList()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel, 10G]
                serviceDomains: [worker.domain]
            """;

        var pf = Assert.Single(SriovConfigReader.Parse(yaml, "pci.config").PhysicalFunctions);

        Assert.Empty(pf.VirtualFunctions);
        Assert.Equal(["worker.domain/intel", "worker.domain/10G"], pf.ResourceNames);
    }

    [Fact]
    public void Find_KnownAndUnknownAddress_ReturnsThePfOrNull()
    {
        var config = SriovConfigReader.Parse(UpstreamFixture, "config.yml");

        Assert.Equal(["intel", "20G"], config.Find("0000:02:00.0")!.Capabilities);
        Assert.Null(config.Find("0000:03:00.0"));
    }
}
