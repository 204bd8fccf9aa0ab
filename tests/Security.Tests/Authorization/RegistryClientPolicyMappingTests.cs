using SriovForwarder.Security.Authorization;

namespace SriovForwarder.Security.Tests.Authorization;

public sealed class RegistryClientPolicyMappingTests
{
    private static readonly string[] DefaultMasks = ["etc/nsm/opa/common/.*.rego", "etc/nsm/opa/registry/.*.rego", "etc/nsm/opa/client/.*.rego"];

    [Fact]
    public void DefaultMasks_SelectTheCommonClientAndRegistryBuiltIns()
    {
        using var folder = new TempSocketFolder();

        var (policies, problems) = RegistryClientPolicyMapping.Map(DefaultMasks, folder.Path);

        Assert.Empty(problems);
        Assert.Equal(["tokens_valid", "tokens_expired", "tokens_chained", "next_token_signed", "registry_client_allowed"], policies!.Policies.Select(p => p.Name));
    }

    [Fact]
    public void ExistingRegoFile_IsRefusedNamingTheSettingAndTheFile()
    {
        using var folder = new TempSocketFolder();
        File.WriteAllText(folder.Socket("mine.rego"), "package nsm\nvalid { true }\n");

        var (policies, problems) = RegistryClientPolicyMapping.Map([.. DefaultMasks, "mine.rego"], folder.Path);

        Assert.Null(policies);
        var problem = Assert.Single(problems);
        Assert.Contains("NSM_REGISTRY_CLIENT_POLICIES", problem, StringComparison.Ordinal);
        Assert.Contains(folder.Socket("mine.rego"), problem, StringComparison.Ordinal);
        Assert.Contains("cannot be evaluated", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskMatchingAFileOnDisk_IsRefusedNamingTheFile()
    {
        using var folder = new TempSocketFolder();
        Directory.CreateDirectory(folder.Socket("etc/nsm/opa/common"));
        File.WriteAllText(folder.Socket("etc/nsm/opa/common/custom.rego"), "package nsm\n");

        var (_, problems) = RegistryClientPolicyMapping.Map(DefaultMasks, folder.Path);

        Assert.Contains(problems, p => p.Contains("custom.rego", StringComparison.Ordinal) && p.Contains("etc/nsm/opa/common/.*.rego", StringComparison.Ordinal));
    }

    [Fact]
    public void MaskMatchingNothing_OrNotARegex_IsRefused()
    {
        using var folder = new TempSocketFolder();

        var (_, problems) = RegistryClientPolicyMapping.Map(["etc/nsm/opa/typo/.*.rego", "etc/[nsm"], folder.Path);

        Assert.Equal(2, problems.Count);
        Assert.Contains("matches no policy file and none of the built-in policies", problems[0], StringComparison.Ordinal);
        Assert.Contains("neither a file nor a valid regular expression", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void NoEntries_SelectNoPolicies()
    {
        var (policies, problems) = RegistryClientPolicyMapping.Map([], "/");

        Assert.Empty(problems);
        Assert.Empty(policies!.Policies);
    }
}
