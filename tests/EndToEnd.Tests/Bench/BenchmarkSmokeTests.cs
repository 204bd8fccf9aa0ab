using System.Diagnostics;

namespace SriovForwarder.EndToEnd.Tests.Bench;

/// <summary>
/// The benchmarks still work: the benchmark executable's <c>smoke</c> mode runs every case once (set-up, one call,
/// clean-up) and must report each one passed. Timings are not looked at; speed is measured by the benchmark runs.
/// </summary>
[Trait("Requires", "root")]
public sealed class BenchmarkSmokeTests
{
    [RootFact("the netlink and simulated-node benchmarks make namespaces and veths")]
    public async Task SmokeRun_EveryBenchmarkCase_SetsUpRunsOnceAndCleansUp()
    {
        var benchmarks = BenchmarkAssembly();
        Assert.True(File.Exists(benchmarks), $"{benchmarks} is missing: build the solution first");
        var start = new ProcessStartInfo("dotnet", [benchmarks, "smoke"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(benchmarks)!,
        };

        // The endpoint benchmarks run the real executable: the one built next to these tests.
        start.Environment["SRIOV_FORWARDER_EXE"] = Path.Combine(AppContext.BaseDirectory, "sriov-forwarder");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        await process.WaitForExitAsync(timeout.Token);
        var report = await output + await error;
        var lines = report.Split('\n', StringSplitOptions.TrimEntries);

        Assert.True(process.ExitCode == 0, report);
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.True(lines.Count(l => l.StartsWith("pass ", StringComparison.Ordinal)) >= 20, report);
        Assert.Contains(lines, l => l.EndsWith(" passed, 0 failed", StringComparison.Ordinal));
    }

    // bench/Benchmarks/bin/<configuration>/net10.0/, found from this test's own output folder and the repository root.
    private static string BenchmarkAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "SriovForwarder.slnx")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return Path.Combine(root.FullName, "bench", "Benchmarks", "bin", configuration, framework, "SriovForwarder.Benchmarks.dll");
    }
}
