using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Benchmarks.Endpoint;
using SriovForwarder.Benchmarks.Startup;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Benchmarks.Breakdown;

/// <summary>
/// Console mode (<c>concurrency [batches-per-round] [rounds] [warm-up batches]</c>, issue 14's row for 32 clients): batches of 32 concurrent
/// NOOP Request+Close against the real forwarder (<see cref="BenchForwarder"/>, no telemetry) interleaved, round by round,
/// with batches of 32 concurrent bare calls over the fd-passing transport (the baseline), so both see the same load. Besides
/// the wall times it reports the CPU time each side spent per Request+Close (the forwarder's from <c>/proc/PID/stat</c>, this
/// process's: client and stand-in registry and next hop), which a loaded machine inflates far less than wall time.
/// With <c>CONCURRENCY_PERF=file</c> it ends with a <c>perf record</c> of the forwarder under the same load (set
/// <c>FORWARDER_ENV_DOTNET_PerfMapEnabled=1</c> so that perf can name JIT-compiled code); every <c>FORWARDER_ENV_X=v</c>
/// is passed to the forwarder as <c>X=v</c>.
/// </summary>
public static class ConcurrencyHarness
{
    private const int Concurrency = 32;
    private const string ForwarderEnvPrefix = "FORWARDER_ENV_";
    private static int _next;

    public static async Task<int> RunAsync(string[] args)
    {
        var batches = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        // The tiered JIT keeps recompiling the hot path for thousands of calls after the start (hundreds of methods a
        // second, measured with dotnet-counters): without a long warm-up a run measures that, not a Request+Close.
        var warmups = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith(ForwarderEnvPrefix, StringComparison.Ordinal))
            .ToDictionary(k => k[ForwarderEnvPrefix.Length..], k => Environment.GetEnvironmentVariable(k)!);
        await using var bench = await BenchForwarder.StartAsync(environment);
        await using var echoServer = await UnixSocketGrpcServer.StartAsync(System.IO.Path.Combine(bench.Folder, "fd-echo.sock"),
            s => s.AddSingleton<BenchNse>(), a => a.MapGrpcService<BenchNse>(), receiveFileDescriptors: true);
        using var channel = UnixSocketChannelFactory.Create(bench.NsmSocket, TimeSpan.FromSeconds(5));
        using var echoChannel = UnixSocketChannelFactory.Create(echoServer.SocketPath, TimeSpan.FromSeconds(5));
        var client = new NetworkService.NetworkServiceClient(channel);
        var echo = new NetworkService.NetworkServiceClient(echoChannel);

        // The silo may still be finishing start-up: the first call waits for it. Then a warm-up of both (JIT, pools, tiering).
        await client.CloseAsync(await client.RequestAsync(Noop(), deadline: DateTime.UtcNow.AddSeconds(60)));
        for (var i = 0; i < warmups; i++)
        {
            await NoopBatchAsync(client);
            await EchoBatchAsync(echo);
        }

        var loadBefore = StartupReport.LoadAverage();
        var echoTimes = new List<double>();
        var noopTimes = new List<double>();
        var forwarderCpu = TimeSpan.Zero;
        var benchCpuNoop = TimeSpan.Zero;
        var benchCpuEcho = TimeSpan.Zero;
        for (var r = 0; r < rounds; r++)
        {
            var benchBefore = Process.GetCurrentProcess().TotalProcessorTime;
            for (var b = 0; b < batches; b++)
            {
                echoTimes.Add(await EchoBatchAsync(echo));
            }

            var forwarderBefore = ProcessCpu(bench.ProcessId);
            var benchMiddle = Process.GetCurrentProcess().TotalProcessorTime;
            benchCpuEcho += benchMiddle - benchBefore;
            for (var b = 0; b < batches; b++)
            {
                noopTimes.Add(await NoopBatchAsync(client));
            }

            forwarderCpu += ProcessCpu(bench.ProcessId) - forwarderBefore;
            benchCpuNoop += Process.GetCurrentProcess().TotalProcessorTime - benchMiddle;
        }

        echoTimes.Sort();
        noopTimes.Sort();
        var operations = (double)rounds * batches * Concurrency;
        var echoMedian = SpanBreakdown.Percentile(echoTimes, 50);
        var noopMedian = SpanBreakdown.Percentile(noopTimes, 50);
        Console.WriteLine($"# {rounds} rounds of {batches} batches of {Concurrency}; load average before {loadBefore}, after {StartupReport.LoadAverage()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"32 bare calls, fd-passing (batch): median {echoMedian:F0} µs, p99 {SpanBreakdown.Percentile(echoTimes, 99):F0} µs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"32 NOOP Request+Close (batch): median {noopMedian:F0} µs, p99 {SpanBreakdown.Percentile(noopTimes, 99):F0} µs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch ÷ bare batch (medians): {noopMedian / echoMedian:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU per NOOP Request+Close: forwarder {forwarderCpu.TotalMicroseconds / operations:F0} µs, this process (client, stand-ins) {benchCpuNoop.TotalMicroseconds / operations:F0} µs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU per bare call (client and server, this process): {benchCpuEcho.TotalMicroseconds / operations:F0} µs"));

        var observers = new List<(string Tool, string[] Arguments)>();
        var pid = bench.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (Environment.GetEnvironmentVariable("CONCURRENCY_PERF") is { Length: > 0 } perfFile)
        {
            observers.Add(("perf", ["record", "-F", "499", "-g", "-p", pid, "-o", perfFile, "--", "sleep", "15"]));
        }

        if (Environment.GetEnvironmentVariable("CONCURRENCY_COUNTERS") is { Length: > 0 } countersFile)
        {
            observers.Add((Environment.GetEnvironmentVariable("DOTNET_COUNTERS") ?? "dotnet-counters",
                ["collect", "-p", pid, "--refresh-interval", "5", "--duration", "00:00:00:15", "-o", countersFile, "--counters", "System.Runtime"]));
        }

        if (observers.Count > 0)
        {
            await ObserveAsync(observers, client);
        }

        return 0;
    }

    // The observers (perf, dotnet-counters) watch the forwarder for a fixed time while batches keep it busy.
    private static async Task ObserveAsync(List<(string Tool, string[] Arguments)> observers, NetworkService.NetworkServiceClient client)
    {
        var started = observers.Select(o => Process.Start(new ProcessStartInfo(o.Tool, o.Arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!).ToList();
        var count = 0;
        while (started.Any(p => !p.HasExited))
        {
            await NoopBatchAsync(client);
            count++;
        }

        Console.WriteLine($"observed the forwarder over {count} batches");
        foreach (var process in started)
        {
            Console.WriteLine(await process.StandardError.ReadToEndAsync());
            process.Dispose();
        }
    }

    private static int ClockTicks => 100;

    // utime + stime of the whole process (fields 14 and 15 of /proc/PID/stat, after the command in brackets).
    private static TimeSpan ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / ClockTicks);
    }

    private static async Task<double> NoopBatchAsync(NetworkService.NetworkServiceClient client)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            var connection = await client.RequestAsync(Noop());
            await client.CloseAsync(connection);
        }));
        return clock.Elapsed.TotalMicroseconds;
    }

    private static async Task<double> EchoBatchAsync(NetworkService.NetworkServiceClient echo)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => echo.RequestAsync(Noop()).ResponseAsync));
        return clock.Elapsed.TotalMicroseconds;
    }

    private static NetworkServiceRequest Noop() => new()
    {
        Connection = new Connection { Id = "c-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture), NetworkService = "ns", NetworkServiceEndpointName = "nse-1" },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
    };
}
