using System.Globalization;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>One start of the forwarder: process start → first served Request, and its memory once idle.</summary>
/// <remarks><see cref="CpuToFirstRequest"/> (user + system time of the forwarder until then) depends less on the machine's load than the wall clock.</remarks>
public sealed record StartupSample(TimeSpan ToFirstRequest, TimeSpan CpuToFirstRequest, long IdleRssKib, long PeakRssKib)
{
    public string Describe(int run) => string.Create(CultureInfo.InvariantCulture,
        $"run {run + 1}: first Request after {ToFirstRequest.TotalMilliseconds:F0} ms ({CpuToFirstRequest.TotalMilliseconds:F0} ms CPU); idle RSS {IdleRssKib / 1024.0:F1} MiB; peak RSS {PeakRssKib / 1024.0:F1} MiB");
}
