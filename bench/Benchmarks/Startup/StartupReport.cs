using System.Globalization;
using System.Text;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>Median and p99 (nearest rank) over the runs.</summary>
public static class StartupReport
{
    public static string Render(StartupHarnessOptions options, IReadOnlyList<StartupSample> samples)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(samples);
        var starts = Sorted(samples, s => s.ToFirstRequest.TotalMilliseconds);
        var cpu = Sorted(samples, s => s.CpuToFirstRequest.TotalMilliseconds);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{options.Executable} ({ReadyToRunCheck.Describe(options.Executable)}), {samples.Count} runs, --simulate={options.SimulateSpec}, dashboard {(options.Dashboard ? "on" : "off")}, ops listener and fleet API {(options.Ops ? "on" : "off")}, stand-in kubelet {(options.Kubelet ? "on" : "off")}, idle {options.Idle.TotalSeconds:F0} s; load average (1 min) during the runs {string.Join(", ", samples.Select(s => s.LoadAverage.Split(' ')[0]))}");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"start -> first Request: median {Percentile(starts, 50):F0} ms, p99 {Percentile(starts, 99):F0} ms, min {starts[0]:F0} ms, max {starts[^1]:F0} ms");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"forwarder CPU time until then: median {Percentile(cpu, 50):F0} ms, p99 {Percentile(cpu, 99):F0} ms");
        text.AppendLine();
        AppendMemory(text, "RSS after the first Request", samples, s => s.AfterRequest);
        AppendMemory(text, "RSS idle", samples, s => s.Idle);
        AppendMemory(text, "RSS after an induced full GC", samples, s => s.Settled);
        var peak = Sorted(samples, s => s.Settled.PeakKib / 1024.0);
        text.Append(CultureInfo.InvariantCulture, $"peak RSS (VmHWM): median {Percentile(peak, 50):F1} MiB, max {peak[^1]:F1} MiB");
        if (samples.All(s => s.Runtime is not null))
        {
            var heap = Sorted(samples, s => s.Runtime!.HeapBytes / 1048576.0);
            var committed = Sorted(samples, s => s.Runtime!.CommittedBytes / 1048576.0);
            var jit = Sorted(samples, s => s.Runtime!.JitMethods);
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture,
                $"after the induced GC: managed heap median {Percentile(heap, 50):F1} MiB, committed median {Percentile(committed, 50):F1} MiB; JIT-compiled methods median {Percentile(jit, 50):F0}");
        }

        return text.ToString();
    }

    /// <summary>Nearest-rank percentile of sorted values: with fewer than 100 runs the p99 is the largest.</summary>
    public static double Percentile(double[] sorted, int percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The three load averages of <c>/proc/loadavg</c>: the machine is shared, so every figure is read with it.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static void AppendMemory(StringBuilder text, string what, IReadOnlyList<StartupSample> samples, Func<StartupSample, ResidentMemory> moment)
    {
        var rss = Sorted(samples, s => moment(s).RssKib / 1024.0);
        var anon = Sorted(samples, s => moment(s).AnonKib / 1024.0);
        var file = Sorted(samples, s => moment(s).FileKib / 1024.0);
        var shmem = Sorted(samples, s => moment(s).ShmemKib / 1024.0);
        text.Append(CultureInfo.InvariantCulture,
            $"{what}: median {Percentile(rss, 50):F1} MiB, p99 {Percentile(rss, 99):F1} MiB (medians: anonymous {Percentile(anon, 50):F1}, file {Percentile(file, 50):F1}, shmem {Percentile(shmem, 50):F1})");
        text.AppendLine();
    }

    private static double[] Sorted(IReadOnlyList<StartupSample> samples, Func<StartupSample, double> value) => samples.Select(value).Order().ToArray();
}
