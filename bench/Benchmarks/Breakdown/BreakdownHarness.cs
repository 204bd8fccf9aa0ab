using System.Diagnostics;
using System.Globalization;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SriovForwarder.Benchmarks.Endpoint;
using SriovForwarder.Benchmarks.Startup;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.TestSupport.StandIns;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace SriovForwarder.Benchmarks.Breakdown;

/// <summary>
/// Console mode (<c>breakdown [single-count] [batch-count] [noop|vfio]</c>, issue 14 item 2): one NOOP (or VFIO) Request+Close
/// broken down by hop and by chain element. Runs the real forwarder (<see cref="BenchForwarder"/>) with its traces exported
/// to a stand-in OTLP collector, makes Request+Close calls one at a time and then in batches of 32 concurrent clients (NOOP
/// only: the simulated node has two VFs, and a VFIO request needs one), and
/// renders, per span name, the median and p99 of its own time (its duration minus its children's) per Request or Close.
/// Traces cost time themselves (every span sampled and exported), so the totals are above the endpoint benchmark's; the
/// shares are what this is for.
/// </summary>
public static class BreakdownHarness
{
    private const int Concurrency = 32;
    private static readonly TimeSpan ExportDelay = TimeSpan.FromSeconds(3);
    private static int _next;

    public static async Task<int> RunAsync(string[] args)
    {
        var single = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
        var batches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var vfio = args.Length > 2 && args[2].Equals("vfio", StringComparison.OrdinalIgnoreCase);
        var mechanism = vfio ? "VFIO" : "NOOP";
        await using var collector = await StandInOtlpReceiver.StartAsync();
        await using var bench = await BenchForwarder.StartAsync(new Dictionary<string, string>
        {
            ["TELEMETRY"] = "true",
            ["NSM_OPEN_TELEMETRY_ENDPOINT"] = collector.Endpoint,
            ["NSM_METRICS_EXPORT_INTERVAL"] = "10m",
        });
        using var channel = UnixSocketChannelFactory.Create(bench.NsmSocket, TimeSpan.FromSeconds(5));
        var client = new NetworkService.NetworkServiceClient(channel);
        // The silo may still be finishing start-up: the first call waits for it. Then a warm-up (JIT, pools).
        await client.CloseAsync(await client.RequestAsync(Noop(), deadline: DateTime.UtcNow.AddSeconds(60)));
        var make = vfio ? Vfio(await FirstTokenAsync(bench)) : Noop;
        for (var i = 0; i < 100; i++)
        {
            await client.CloseAsync(await client.RequestAsync(make()));
        }

        await Task.Delay(ExportDelay);
        collector.Spans.Clear();

        Console.WriteLine($"# {mechanism} Request+Close by span, {single} one at a time; load average {StartupReport.LoadAverage()}");
        var requestTimes = new List<double>();
        var closeTimes = new List<double>();
        for (var i = 0; i < single; i++)
        {
            var (request, close) = await RequestCloseAsync(client, make);
            requestTimes.Add(request);
            closeTimes.Add(close);
        }

        Console.WriteLine(await RenderAsync(collector, requestTimes, closeTimes));
        if (vfio)
        {
            Console.WriteLine($"load average at the end {StartupReport.LoadAverage()}");
            return 0;
        }

        Console.WriteLine($"# NOOP Request+Close by span, {batches} batches of {Concurrency} concurrent clients; load average {StartupReport.LoadAverage()}");
        requestTimes.Clear();
        closeTimes.Clear();
        var batchTimes = new List<double>();
        for (var b = 0; b < batches; b++)
        {
            var clock = Stopwatch.StartNew();
            var calls = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => RequestCloseAsync(client, Noop)));
            batchTimes.Add(clock.Elapsed.TotalMicroseconds);
            requestTimes.AddRange(calls.Select(c => c.Request));
            closeTimes.AddRange(calls.Select(c => c.Close));
        }

        batchTimes.Sort();
        Console.WriteLine($"batch of {Concurrency}: median {SpanBreakdown.Percentile(batchTimes, 50):F0} µs, p99 {SpanBreakdown.Percentile(batchTimes, 99):F0} µs");
        Console.WriteLine(await RenderAsync(collector, requestTimes, closeTimes));
        Console.WriteLine($"load average at the end {StartupReport.LoadAverage()}");
        return 0;
    }

    private static async Task<string> RenderAsync(StandInOtlpReceiver collector, List<double> requestTimes, List<double> closeTimes)
    {
        await Task.Delay(ExportDelay);
        var spans = new List<Span>();
        while (collector.Spans.TryDequeue(out var span))
        {
            spans.Add(span);
        }

        return SpanBreakdown.Render(spans, "NetworkService/Request", requestTimes) + Environment.NewLine
            + SpanBreakdown.Render(spans, "NetworkService/Close", closeTimes);
    }

    private static async Task<(double Request, double Close)> RequestCloseAsync(NetworkService.NetworkServiceClient client, Func<NetworkServiceRequest> make)
    {
        var clock = Stopwatch.StartNew();
        var connection = await client.RequestAsync(make());
        var request = clock.Elapsed.TotalMicroseconds;
        clock.Restart();
        await client.CloseAsync(connection);
        return (request, clock.Elapsed.TotalMicroseconds);
    }

    // The first token of the simulated node's first resource, read through an Orleans client as the endpoint benchmark does.
    private static async Task<string> FirstTokenAsync(BenchForwarder bench)
    {
        using var orleans = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c => c.UseLocalhostClustering(bench.GatewayPort, serviceId: "sriov-forwarder", clusterId: "sriov-forwarder"))
            .Build();
        await orleans.StartAsync();
        var node = orleans.Services.GetRequiredService<IGrainFactory>().GetGrain<INodeGrain>("bench-node");
        var names = await node.GetResourceNamesAsync();
        var token = (await node.GetDevicesAsync(names[0])).Devices[0].Id;
        await orleans.StopAsync();
        return token;
    }

    // The endpoint benchmark's VFIO request: the token, and the cgroup of plain files BenchForwarder made.
    private static Func<NetworkServiceRequest> Vfio(string token) => () =>
    {
        var request = Noop();
        request.MechanismPreferences[0].Type = "VFIO";
        request.MechanismPreferences[0].Parameters["tokenID"] = token;
        request.MechanismPreferences[0].Parameters["cgroupDir"] = "pod/*";
        return request;
    };

    private static NetworkServiceRequest Noop() => new()
    {
        Connection = new Connection { Id = "d-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture), NetworkService = "ns", NetworkServiceEndpointName = "nse-1" },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
    };
}
