namespace SriovForwarder.Silo.Tests.Configuration;

/// <summary>NSM_REGISTRY_CLIENT_POLICIES: upstream's built-in masks are accepted; what we cannot evaluate refuses the start.</summary>
public sealed class RegistryClientPoliciesSettingTests
{
    [Fact]
    public void CustomRegoFile_IsAProblemNamingTheSettingAndTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sriov-policy-{Guid.NewGuid():N}.rego");
        File.WriteAllText(file, "package nsm\nvalid { true }\n");
        try
        {
            var result = Env.Read(("NSM_REGISTRY_CLIENT_POLICIES", file));

            Assert.False(result.Succeeded);
            var problem = Assert.Single(result.Problems, p => p.Contains("NSM_REGISTRY_CLIENT_POLICIES", StringComparison.Ordinal));
            Assert.Contains(file, problem, StringComparison.Ordinal);
            Assert.Contains("cannot be evaluated", problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void DefaultMasks_AreAccepted() => Env.ReadValid();
}
