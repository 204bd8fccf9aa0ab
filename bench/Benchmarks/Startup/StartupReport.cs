using System.Globalization;
using System.Text;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>Median and p99 (nearest rank) over the runs.</summary>
public static class StartupReport
{
    public static string Render(StartupHarnessOptions options, IReadOnlyList<StartupSample> samples)
    {
        var starts = samples.Select(s => s.ToFirstRequest.TotalMilliseconds).Order().ToArray();
        var cpu = samples.Select(s => s.CpuToFirstRequest.TotalMilliseconds).Order().ToArray();
        var idle = samples.Select(s => s.IdleRssKib / 1024.0).Order().ToArray();
        var peak = samples.Select(s => s.PeakRssKib / 1024.0).Order().ToArray();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{samples.Count} runs, --simulate={options.SimulateSpec}, dashboard {(options.Dashboard ? "on" : "off")}, idle {options.Idle.TotalSeconds:F0} s, load average {LoadAverage()}");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"start -> first Request: median {Percentile(starts, 50):F0} ms, p99 {Percentile(starts, 99):F0} ms, min {starts[0]:F0} ms, max {starts[^1]:F0} ms");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"forwarder CPU time until then: median {Percentile(cpu, 50):F0} ms, p99 {Percentile(cpu, 99):F0} ms");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"idle RSS: median {Percentile(idle, 50):F1} MiB, max {idle[^1]:F1} MiB; peak RSS (VmHWM): median {Percentile(peak, 50):F1} MiB, max {peak[^1]:F1} MiB");
        return text.ToString();
    }

    /// <summary>Nearest-rank percentile of sorted values: with fewer than 100 runs the p99 is the largest.</summary>
    public static double Percentile(double[] sorted, int percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
