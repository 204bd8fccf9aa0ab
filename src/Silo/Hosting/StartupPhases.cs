using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Logs the start-up phases with the time since start-up began, like upstream does, and the process's CPU time so far
/// (user + system, every thread): on a busy machine the wall clock mostly waits for a core, the CPU time says which
/// phase costs what (decision 044).
/// </summary>
public sealed partial class StartupPhases(ILogger logger)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _phase;

    /// <summary>Time since start-up began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Logs the start of the next phase.</summary>
    public void Begin(string description) => LogPhase(logger, ++_phase, description, _clock.Elapsed.TotalMilliseconds, CpuMilliseconds());

    /// <summary>Logs that start-up is complete.</summary>
    public void Completed() => LogCompleted(logger, _clock.Elapsed.TotalMilliseconds, CpuMilliseconds());

    private static double CpuMilliseconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "executing phase {Phase}: {Description} (time since start: {ElapsedMs:F0} ms; process CPU so far: {CpuMs:F0} ms)")]
    private static partial void LogPhase(ILogger logger, int phase, string description, double elapsedMs, double cpuMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Startup completed in {ElapsedMs:F0} ms ({CpuMs:F0} ms of process CPU)")]
    private static partial void LogCompleted(ILogger logger, double elapsedMs, double cpuMs);
}
