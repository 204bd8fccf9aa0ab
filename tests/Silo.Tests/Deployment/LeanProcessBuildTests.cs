using System.Xml.Linq;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>
/// The image runs the build decisions 041 and 048 measured: a ReadyToRun publish for one runtime, framework-dependent, with
/// the workstation non-concurrent GC, invariant globalization, no tiered PGO, and no code emitted at run time for
/// reflection calls or DI resolution. A change here changes the memory and
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
        Assert.Contains("--self-contained false", publish, StringComparison.Ordinal);
        Assert.Equal("true", readyToRun.Value);
        Assert.Equal("'$(RuntimeIdentifier)' != ''", readyToRun.Attribute("Condition")?.Value);
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
