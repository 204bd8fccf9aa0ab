using System.Xml.Linq;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>
/// The image runs the build decisions 041, 048 and 047 measured: a self-contained publish for one runtime that trims the
/// frameworks (partial trim mode) and compiles one composite ReadyToRun image, with the workstation non-concurrent GC,
/// invariant globalization and no tiered PGO; trimming and the composite only for that publish. A change here changes the memory and
/// start-up figures the DaemonSet's limits rest on; measure again (bench/README.md) before changing either.
/// </summary>
public sealed class LeanProcessBuildTests
{
    private readonly XDocument _silo = XDocument.Load(RepositoryFiles.PathOf("src/Silo/Silo.csproj"));
    private readonly DockerfileInstructions _dockerfile = DockerfileInstructions.Parse(RepositoryFiles.Read("Dockerfile"));

    [Fact]
    public void ImagePublish_NamesTheRuntime_SoTheProjectCompilesItReadyToRun()
    {
        var publish = Assert.Single(_dockerfile["publish"].All("RUN"), r => r.Contains("dotnet publish", StringComparison.Ordinal));
        var readyToRun = Assert.Single(_silo.Descendants("PublishReadyToRun"));

        Assert.Contains("-r ${RUNTIME_ID}", publish, StringComparison.Ordinal);
        Assert.Contains("--self-contained true", publish, StringComparison.Ordinal);
        Assert.DoesNotContain("--no-restore", publish, StringComparison.Ordinal);
        Assert.Equal("true", readyToRun.Value);
        Assert.Equal("'$(RuntimeIdentifier)' != ''", readyToRun.Attribute("Condition")?.Value);
    }

    [Fact]
    public void ImageRestore_IsSelfContained_SoTheRuntimePacksAreInTheRestoreLayer()
    {
        var restore = Assert.Single(_dockerfile["restore"].All("RUN"), r => r.Contains("dotnet restore", StringComparison.Ordinal));

        Assert.Contains("dotnet restore src/Silo/Silo.csproj -r ${RUNTIME_ID} -p:SelfContained=true", restore, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PublishTrimmed", "true")]
    [InlineData("TrimMode", "partial")]
    [InlineData("PublishReadyToRunComposite", "true")]
    [InlineData("JsonSerializerIsReflectionEnabledByDefault", "true")]
    [InlineData("SuppressTrimAnalysisWarnings", "true")]
    [InlineData("EnableTrimAnalyzer", "false")]
    public void TrimmingAndComposite_OnlyForASelfContainedPublishForOneRuntime(string property, string value)
    {
        var element = Assert.Single(_silo.Descendants(property));
        var group = element.Parent!;

        Assert.Equal(value, element.Value);
        Assert.Equal("PropertyGroup", group.Name.LocalName);
        Assert.Equal("'$(RuntimeIdentifier)' != '' and '$(SelfContained)' == 'true'", group.Attribute("Condition")?.Value);
    }

    [Theory]
    [InlineData("ServerGarbageCollection", "false")]
    [InlineData("ConcurrentGarbageCollection", "false")]
    [InlineData("InvariantGlobalization", "true")]
    [InlineData("TieredPGO", "false")]
    public void RuntimeSettings_AreTheMeasuredOnes(string property, string value)
    {
        Assert.Equal(value, Assert.Single(_silo.Descendants(property)).Value);
    }
}
