using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Silo.Hosting;

/// <summary>Logs the start-up phases with the time since the process started, like upstream does.</summary>
public sealed partial class StartupPhases(ILogger logger)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _phase;

    /// <summary>Time since start-up began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Logs the start of the next phase.</summary>
    public void Begin(string description) => LogPhase(logger, ++_phase, description, _clock.Elapsed.TotalMilliseconds);

    /// <summary>Logs that start-up is complete.</summary>
    public void Completed() => LogCompleted(logger, _clock.Elapsed.TotalMilliseconds);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "executing phase {Phase}: {Description} (time since start: {ElapsedMs:F0} ms)")]
    private static partial void LogPhase(ILogger logger, int phase, string description, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Startup completed in {ElapsedMs:F0} ms")]
    private static partial void LogCompleted(ILogger logger, double elapsedMs);
}
