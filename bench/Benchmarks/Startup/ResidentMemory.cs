using System.Globalization;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>
/// A process's resident memory from <c>/proc/PID/status</c>, in KiB: total, anonymous (managed heap, runtime data),
/// file-backed (mapped assemblies and native libraries), shared memory (the runtime's W^X double mapping of JIT-compiled
/// code, <c>memfd:doublemapper</c>) and the peak.
/// </summary>
public sealed record ResidentMemory(long RssKib, long AnonKib, long FileKib, long ShmemKib, long PeakKib)
{
    public double RssMib => RssKib / 1024.0;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{RssKib / 1024.0:F1} MiB (anonymous {AnonKib / 1024.0:F1}, file {FileKib / 1024.0:F1}, shmem {ShmemKib / 1024.0:F1}; peak {PeakKib / 1024.0:F1})");

    public static ResidentMemory Read(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        return new ResidentMemory(Kib(lines, "VmRSS:"), Kib(lines, "RssAnon:"), Kib(lines, "RssFile:"), Kib(lines, "RssShmem:"), Kib(lines, "VmHWM:"));
    }

    private static long Kib(string[] lines, string field) =>
        long.Parse(lines.Single(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
