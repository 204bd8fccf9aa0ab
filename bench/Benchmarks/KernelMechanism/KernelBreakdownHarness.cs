using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using SriovForwarder.Grains.Telemetry;

namespace SriovForwarder.Benchmarks.KernelMechanism;

/// <summary>
/// <c>kernel-breakdown [count]</c>: where a KERNEL Request+Close spends its time beyond the bare kernel work. Runs
/// <see cref="KernelMechanismBenchmark"/>'s set-up, then alternates its forwarder and bare cases <c>count</c> times (after
/// 10 of each to warm up), and renders per chain-element span (the product's, listened to in process) its own time (its
/// duration minus its children's), with the forwarder's and the bare case's medians and p99 and what no span covers
/// (the grain calls, activation, the connection's state writes outside a span). Needs root.
/// </summary>
public static class KernelBreakdownHarness
{
    public static Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ForwarderActivitySource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var bench = new KernelMechanismBenchmark();
        bench.Setup();
        var forwarder = new List<double>();
        var bare = new List<double>();
        var own = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var uncovered = new List<double>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                bench.Forwarder();
                bench.Bare();
            }

            for (var i = 0; i < count; i++)
            {
                spans.Clear();
                var start = Stopwatch.GetTimestamp();
                bench.Forwarder();
                var took = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                forwarder.Add(took);
                uncovered.Add(took - Collect(spans, own));
                start = Stopwatch.GetTimestamp();
                bench.Bare();
                bare.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
        finally
        {
            bench.Cleanup();
        }

        Console.WriteLine(Render(count, forwarder, bare, own, uncovered));
        return Task.FromResult(0);
    }

    // Adds each span name's own time in this call; returns the time the root spans cover.
    private static double Collect(ConcurrentQueue<Activity> spans, Dictionary<string, List<double>> own)
    {
        var all = spans.ToList();
        var ids = all.Select(s => s.SpanId).ToHashSet();
        var children = all.Where(s => ids.Contains(s.ParentSpanId)).ToLookup(s => s.ParentSpanId);
        var perCall = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var span in all)
        {
            var self = span.Duration.TotalMicroseconds - children[span.SpanId].Sum(c => c.Duration.TotalMicroseconds);
            perCall[span.DisplayName] = perCall.GetValueOrDefault(span.DisplayName) + self;
        }

        foreach (var (name, self) in perCall)
        {
            if (!own.TryGetValue(name, out var list))
            {
                own[name] = list = [];
            }

            list.Add(self);
        }

        return all.Where(s => !ids.Contains(s.ParentSpanId)).Sum(s => s.Duration.TotalMicroseconds);
    }

    private static string Render(int count, List<double> forwarder, List<double> bare, Dictionary<string, List<double>> own, List<double> uncovered)
    {
        var text = new StringBuilder();
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        text.AppendLine(CultureInfo.InvariantCulture, $"## KERNEL Request+Close breakdown: {count} calls, load average {load}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"forwarder median {P(forwarder, 50):F0} µs p99 {P(forwarder, 99):F0} µs; bare median {P(bare, 50):F0} µs p99 {P(bare, 99):F0} µs; ratio of medians {P(forwarder, 50) / P(bare, 50):F2}");
        text.AppendLine();
        text.AppendLine("| span (own time) | median | p99 |");
        text.AppendLine("|---|---:|---:|");
        foreach (var (name, values) in own.OrderByDescending(o => P(o.Value, 50)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {P(values, 50):F0} µs | {P(values, 99):F0} µs |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| (outside every span: grain calls, activation) | {P(uncovered, 50):F0} µs | {P(uncovered, 99):F0} µs |");
        return text.ToString();
    }

    private static double P(List<double> values, double percent)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
