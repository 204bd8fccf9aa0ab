using SriovForwarder.Grains.Configuration;

namespace SriovForwarder.Grains.Tests.Configuration;

public sealed class SriovConfigReaderProblemsTests
{
    private static IReadOnlyList<string> Problems(string yaml)
    {
        var error = Assert.Throws<SriovConfigException>(() => SriovConfigReader.Parse(yaml, "pci.config"));
        Assert.Equal(string.Join(Environment.NewLine, error.Problems), error.Message);
        Assert.Equal("pci.config", error.SourceName);
        return error.Problems;
    }

    [Fact]
    public void Parse_MissingVfKernelDriver_NamesFileLineAndPf()
    {
        const string yaml = """
            physicalFunctions:
              # the NIC on the first bus
              0000:01:00.0:
                pfKernelDriver: i40e
                capabilities: [intel]
                serviceDomains: [worker.domain]
            """;

        Assert.Equal(["pci.config line 3: physical function 0000:01:00.0 has no vfKernelDriver set"], Problems(yaml));
    }

    [Fact]
    public void Parse_PfWithNothingSet_ReportsEachFieldInUpstreamOrder()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
            """;

        Assert.Equal(
            [
                "pci.config line 2: physical function 0000:01:00.0 has no pfKernelDriver set",
                "pci.config line 2: physical function 0000:01:00.0 has no vfKernelDriver set",
                "pci.config line 2: physical function 0000:01:00.0 has no capabilities set",
                "pci.config line 2: physical function 0000:01:00.0 has no serviceDomains set",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Parse_EmptyValuesAndLists_CountAsNotSet()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: ""
                vfKernelDriver: ~
                capabilities: []
                serviceDomains: [worker.domain]
            """;

        Assert.Equal(
            [
                "pci.config line 2: physical function 0000:01:00.0 has no pfKernelDriver set",
                "pci.config line 2: physical function 0000:01:00.0 has no vfKernelDriver set",
                "pci.config line 2: physical function 0000:01:00.0 has no capabilities set",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Parse_ProblemsInSeveralPfs_AreAllReportedInFileOrder()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
              01:00.1:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel]
              0000:03:00.0:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
            """;

        Assert.Equal(
            [
                "pci.config line 2: physical function 0000:01:00.0 has no pfKernelDriver set",
                "pci.config line 6: physical function address \"01:00.1\" is not a long-form PCI address; use the long form 0000:01:00.1",
                "pci.config line 6: physical function 01:00.1 has no serviceDomains set",
            ],
            Problems(yaml));
    }

    [Theory]
    [InlineData("01:00.0", "use the long form 0000:01:00.0")]
    [InlineData("0000:AF:00.0", "use the long form 0000:af:00.0")]
    [InlineData("0000:01:00.8", "use the long form dddd:bb:dd.f in lowercase hex, such as 0000:01:00.0")]
    [InlineData("eth0", "use the long form dddd:bb:dd.f in lowercase hex, such as 0000:01:00.0")]
    public void Parse_PfAddressNotInLongForm_IsRejectedWithTheFix(string address, string hint)
    {
        var yaml = $"""
            physicalFunctions:
              "{address}":
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
            """;

        Assert.Equal([$"pci.config line 2: physical function address \"{address}\" is not a long-form PCI address; {hint}"], Problems(yaml));
    }

    [Fact]
    public void Parse_ScalarWhereListExpectedAndListWhereScalarExpected_AreRejected()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: [i40e]
                vfKernelDriver: iavf
                capabilities: intel
                serviceDomains:
                  - [worker.domain]
            """;

        Assert.Equal(
            [
                "pci.config line 3: physical function 0000:01:00.0: pfKernelDriver must be a single value, not a list or mapping",
                "pci.config line 5: physical function 0000:01:00.0: capabilities must be a list such as [intel, 10G]",
                "pci.config line 7: physical function 0000:01:00.0: serviceDomains item must be a single value, not a list or mapping",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Parse_InvalidResourceNameParts_NamePfAndResourceName()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities:
                  - intel
                  - 10 G
                serviceDomains:
                  - worker.domain
                  - Worker_Domain
            """;

        Assert.Equal(
            [
                "pci.config line 10: physical function 0000:01:00.0: service domain \"Worker_Domain\" is not a DNS subdomain (lowercase letters, digits, '-' and '.', labels of at most 63 characters, 253 in all), so kubelet would refuse the resource name \"Worker_Domain/intel\"",
                "pci.config line 7: physical function 0000:01:00.0: capability \"10 G\" is not a valid name (letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters), so kubelet would refuse the resource name \"worker.domain/10 G\"",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Parse_BadVirtualFunctionEntries_AreEachReported()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
                virtualFunctions:
                  - address: 01:02.0
                    iommuGroup: 1
                  - address: 0000:01:02.1
                    iommuGroup: -1
                  - address: 0000:01:02.2
                    iommuGroup: "x"
                  - address: 0000:01:02.3
                  - iommuGroup: 4
                  - 0000:01:02.5
                  - address: 0000:01:02.6
                    iommuGroup: 6
                  - address: 0000:01:02.6
                    iommuGroup: 7
            """;

        Assert.Equal(
            [
                "pci.config line 8: physical function 0000:01:00.0: virtual function address \"01:02.0\" is not a long-form PCI address; use the long form 0000:01:02.0",
                "pci.config line 11: physical function 0000:01:00.0: virtual function 0000:01:02.1 has iommuGroup \"-1\"; it must be a non-negative integer",
                "pci.config line 13: physical function 0000:01:00.0: virtual function 0000:01:02.2 has iommuGroup \"x\"; it must be a non-negative integer",
                "pci.config line 14: physical function 0000:01:00.0: virtual function 0000:01:02.3 has no iommuGroup set",
                "pci.config line 15: physical function 0000:01:00.0: a virtual function has no address set",
                "pci.config line 16: physical function 0000:01:00.0: a virtualFunctions entry must be a mapping with address and iommuGroup",
                "pci.config line 19: physical function 0000:01:00.0: virtual function 0000:01:02.6 is listed twice with different iommuGroups (6 and 7)",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Parse_VirtualFunctionUnderTwoPfs_IsRejected()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
                virtualFunctions: [{address: 0000:01:02.0, iommuGroup: 1}]
              0000:02:00.0:
                pfKernelDriver: i40e
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
                virtualFunctions: [{address: 0000:01:02.0, iommuGroup: 1}]
            """;

        Assert.Equal(
            ["pci.config line 8: physical function 0000:02:00.0: virtual function 0000:01:02.0 is also listed under physical function 0000:01:00.0"],
            Problems(yaml));
    }

    [Fact]
    public void Parse_KeyGivenTwiceInDifferentCase_IsRejected()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: i40e
                PfKernelDriver: ice
                vfKernelDriver: iavf
                capabilities: [intel]
                serviceDomains: [worker.domain]
            """;

        Assert.Equal(
            ["pci.config line 4: physical function 0000:01:00.0: pfKernelDriver is given twice (keys match without regard to case)"],
            Problems(yaml));
    }

    [Fact]
    public void Parse_InvalidYaml_NamesTheLine()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: i40e
                  vfKernelDriver: iavf
            """;

        var problem = Assert.Single(Problems(yaml));

        Assert.Matches(@"^pci\.config line 4: not valid YAML: \S", problem);
    }

    [Fact]
    public void Parse_UnclosedFlowList_NamesTheLine()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0:
                capabilities: [intel
                serviceDomains: [worker.domain]
            """;

        var problem = Assert.Single(Problems(yaml));

        Assert.Matches(@"^pci\.config line [345]: not valid YAML: \S", problem);
    }

    [Fact]
    public void Parse_SamePfAddressTwice_IsRejected()
    {
        const string yaml = """
            physicalFunctions:
              0000:01:00.0: {pfKernelDriver: i40e, vfKernelDriver: iavf, capabilities: [intel], serviceDomains: [d]}
              0000:01:00.0: {pfKernelDriver: i40e, vfKernelDriver: iavf, capabilities: [intel], serviceDomains: [d]}
            """;

        var problem = Assert.Single(Problems(yaml));

        Assert.StartsWith("pci.config line 3: not valid YAML: ", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- a\n- b\n", "pci.config line 1: the file must be a mapping with the key physicalFunctions")]
    [InlineData("physicalFunctions: [0000:01:00.0]\n", "pci.config line 1: physicalFunctions must be a mapping from PF PCI address (such as 0000:01:00.0) to its settings")]
    [InlineData("physicalFunctions:\n  0000:01:00.0: i40e\n", "pci.config line 2: physical function 0000:01:00.0: must be a mapping with pfKernelDriver, vfKernelDriver, capabilities and serviceDomains")]
    [InlineData("physicalFunctions: {}\n---\nphysicalFunctions: {}\n", "pci.config line 3: holds more than one YAML document; keep only one")]
    public void Parse_WrongShape_SaysWhatShapeIsExpected(string yaml, string expected)
    {
        Assert.Equal([expected], Problems(yaml));
    }
}
