using System.Globalization;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>One start of the forwarder: process start → first served Request, and its resident memory at three moments.</summary>
/// <remarks>
/// <see cref="CpuToFirstRequest"/> (user + system time of the forwarder until then) depends less on the machine's load
/// than the wall clock. Memory: <see cref="AfterRequest"/> right after the first Request and its Close,
/// <see cref="Idle"/> after the idle period, <see cref="Settled"/> a few seconds after a full GC induced from outside; <see cref="Runtime"/> the forwarder's own figures after that, when asked for.
/// </remarks>
public sealed record StartupSample(
    TimeSpan ToFirstRequest, TimeSpan CpuToFirstRequest, ResidentMemory AfterRequest, ResidentMemory Idle, ResidentMemory Settled, string LoadAverage, RuntimeFigures? Runtime = null)
{
    public string Describe(int run) => string.Create(CultureInfo.InvariantCulture,
        $"run {run + 1}: first Request after {ToFirstRequest.TotalMilliseconds:F0} ms ({CpuToFirstRequest.TotalMilliseconds:F0} ms CPU); RSS after it {AfterRequest.RssMib:F1} MiB, idle {Idle.RssMib:F1} MiB, after GC {Settled.Describe()}; load average {LoadAverage}{(Runtime is null ? "" : "; " + Runtime.Describe())}");
}
