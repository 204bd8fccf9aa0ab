using System.Runtime.Versioning;
using System.Xml.Linq;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>The Dockerfile has upstream's targets, overridable official base images and a cached restore layer.</summary>
public sealed class DockerfileTests
{
    private readonly DockerfileInstructions _dockerfile = DockerfileInstructions.Parse(RepositoryFiles.Read("Dockerfile"));

    [Fact]
    public void Stages_HaveBuildTestPublishTargets_AndRuntimeIsTheDefault()
    {
        var names = _dockerfile.Stages.Select(s => s.Name).ToList();

        Assert.Equal(["restore", "build", "test", "publish", "runtime"], names);
        Assert.Equal("runtime", _dockerfile.Stages[^1].Name);
        Assert.Equal("restore", _dockerfile["build"].From);
        Assert.Equal("build", _dockerfile["test"].From);
        Assert.Equal("build", _dockerfile["publish"].From);
    }

    [Fact]
    public void BaseImages_AreBuildArgs_DefaultingToTheOfficialDotnetImages()
    {
        var args = _dockerfile.Global.Where(i => i.Keyword == "ARG").Select(i => i.Arguments).ToList();

        Assert.Contains("SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0", args);
        Assert.Contains("RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0", args);
        Assert.Equal("${SDK_IMAGE}", _dockerfile["restore"].From);
        Assert.Equal("${RUNTIME_IMAGE}", _dockerfile["runtime"].From);
    }

    [Fact]
    public void RestoreStage_CopiesOnlyProjectFiles_EveryProjectTheBuildAndTestsNeed()
    {
        var restore = _dockerfile["restore"];
        var copied = restore.All("COPY")
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToList();
        var tested = _dockerfile["test"].All("RUN")
            .SelectMany(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(word => word.EndsWith(".csproj", StringComparison.Ordinal));
        var needed = Directory.GetFiles(RepositoryFiles.PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryFiles.Root, p).Replace('\\', '/'))
            .Concat(tested)
            // The .editorconfig holds the analyzer rules the build enforces or turns off (decision 015): without it the
            // image's Release build fails on rules the repository switched off.
            .Concat(["global.json", ".editorconfig", "Directory.Build.props", "Directory.Packages.props", "tests/Directory.Build.props"]);

        // Anything but project, props and build-settings files would make every source change redo the NuGet restore.
        Assert.All(copied, file => Assert.True(
            file.EndsWith(".csproj", StringComparison.Ordinal) || file.EndsWith(".props", StringComparison.Ordinal)
                || file is "global.json" or ".editorconfig",
            $"the restore stage copies {file}"));
        Assert.All(needed.Distinct(), file => Assert.Contains(file, copied));
        Assert.All(copied, file => Assert.True(File.Exists(RepositoryFiles.PathOf(file)), $"the Dockerfile copies {file}, which does not exist"));
    }

    [Fact]
    public void TestStage_RunsTheUnitTestsAsANonRootUser()
    {
        var test = _dockerfile["test"];
        var user = Assert.Single(test.All("USER"));
        var userIndex = test.Instructions.FindIndex(i => i.Keyword == "USER");
        var testIndex = test.Instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet test", StringComparison.Ordinal));

        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.True(testIndex > userIndex, "dotnet test runs before USER");
        Assert.DoesNotContain("EndToEnd", string.Join(' ', test.All("RUN")), StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_RunsThePublishedExecutable()
    {
        var assemblyName = XDocument.Load(RepositoryFiles.PathOf("src/Silo/Silo.csproj")).Descendants("AssemblyName").Single().Value;
        var runtime = _dockerfile["runtime"];

        Assert.Equal("sriov-forwarder", assemblyName);
        Assert.Contains(_dockerfile["publish"].All("RUN"), r => r.Contains("dotnet publish src/Silo/Silo.csproj", StringComparison.Ordinal) && r.Contains("-o /app", StringComparison.Ordinal));
        Assert.Contains("--from=publish /app /app", runtime.All("COPY"));
        Assert.Equal($"[\"/app/{assemblyName}\"]", Assert.Single(runtime.All("ENTRYPOINT")));
    }

    [Fact]
    public void DockerIgnore_LeavesBuildOutputsOutOfTheContext()
    {
        var lines = RepositoryFiles.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();

        Assert.Contains("**/bin/", lines);
        Assert.Contains("**/obj/", lines);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void ImageScript_BuildsWithLocalBasesAndNamesNoHost()
    {
        const string script = "deploy/image/build-and-check.sh";
        var text = RepositoryFiles.Read(script);

        Assert.True(File.GetUnixFileMode(RepositoryFiles.PathOf(script)).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
        Assert.Contains("--isolation=chroot", text, StringComparison.Ordinal);
        Assert.Contains("SDK_IMAGE=$base_sdk", text, StringComparison.Ordinal);
        Assert.Contains("RUNTIME_IMAGE=$base_runtime", text, StringComparison.Ordinal);
        Assert.Contains("trap cleanup EXIT", text, StringComparison.Ordinal);
        // The Debian mirror is read from the apt sources at run time; no registry or mirror host is written down.
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
    }
}
