using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Benchmarks.Endpoint;
using SriovForwarder.Gateway.Transport;
using Path = System.IO.Path;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>
/// Console mode (<c>startup</c>): starts the real <c>sriov-forwarder --simulate</c> N times against a stand-in registry and
/// next hop, and reports start → first served NOOP Request (median, p99) and resident memory after an idle period.
/// BenchmarkDotNet's in-process model does not fit: each sample is a fresh process.
/// </summary>
public static class StartupHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        StartupHarnessOptions options;
        try
        {
            options = StartupHarnessOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"startup: {ex.Message}{Environment.NewLine}{StartupHarnessOptions.Usage}");
            return 2;
        }

        var folder = Directory.CreateTempSubdirectory("startup-bench-").FullName;
        try
        {
            await using var nse = await UnixSocketGrpcServer.StartAsync(Path.Combine(folder, "nse.sock"), s => s.AddSingleton<BenchNse>(), a => a.MapGrpcService<BenchNse>());
            var registry = new BenchNsmRegistry("unix://" + nse.SocketPath);
            await using var registryServer = await UnixSocketGrpcServer.StartAsync(Path.Combine(folder, "nsm.sock"), s => s.AddSingleton(registry), a => a.MapGrpcService<BenchNsmRegistry>());
            // Runs alternate between the builds compared (decision 048): each build sees the same load over the window.
            var builds = options.Executables.Select(exe => (Options: options with { Executable = exe }, Samples: new List<StartupSample>())).ToList();
            for (var run = 0; run < options.Runs; run++)
            {
                for (var b = 0; b < builds.Count; b++)
                {
                    var (build, samples) = builds[b];
                    var name = string.Create(CultureInfo.InvariantCulture, $"run-{run}-{b}");
                    var sample = await StartupRun.MeasureAsync(build with { Mappings = build.Mappings && run == 0 }, Path.Combine(folder, name), "unix://" + registryServer.SocketPath);
                    samples.Add(sample);
                    Console.WriteLine((builds.Count > 1 ? build.Executable + " " : "") + sample.Describe(run));
                }
            }

            foreach (var (build, samples) in builds)
            {
                Console.WriteLine(StartupReport.Render(build, samples));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
