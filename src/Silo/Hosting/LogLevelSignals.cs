using System.Runtime.InteropServices;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// SIGUSR1 switches every logger to TRACE, SIGUSR2 back to <c>NSM_LOG_LEVEL</c>, as upstream's
/// <c>logruslogger.SetupLevelChangeOnSignal</c>; without these handlers either signal would end the process.
/// </summary>
public sealed partial class LogLevelSignals : IDisposable
{
    // .NET names only the portable signals; a raw Linux signal number cast to PosixSignal is accepted as well.
    private const PosixSignal SigUsr1 = (PosixSignal)10;
    private const PosixSignal SigUsr2 = (PosixSignal)12;
    private readonly PosixSignalRegistration _usr1;
    private readonly PosixSignalRegistration _usr2;

    private LogLevelSignals(LogLevelSwitch levels, ILogger logger)
    {
        _usr1 = PosixSignalRegistration.Create(SigUsr1, context =>
        {
            context.Cancel = true;
            levels.Set(LogLevel.Trace);
            // Logged after the switch, so the line shows whatever the configured level.
            LogTraceOn(logger, NsmLogLevel.Format(levels.Configured));
        });
        _usr2 = PosixSignalRegistration.Create(SigUsr2, context =>
        {
            context.Cancel = true;
            // Logged before the switch, while it still shows after a SIGUSR1.
            LogBack(logger, NsmLogLevel.Format(levels.Configured));
            levels.Set(levels.Configured);
        });
    }

    /// <summary>Installs the handlers (Linux only; elsewhere the signal numbers differ and nothing is installed).</summary>
    public static LogLevelSignals? Install(LogLevelSwitch levels, ILogger logger) =>
        OperatingSystem.IsLinux() ? new LogLevelSignals(levels, logger) : null;

    /// <inheritdoc />
    public void Dispose()
    {
        _usr1.Dispose();
        _usr2.Dispose();
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "SIGUSR1: log level set to trace (SIGUSR2 sets it back to {Configured})")]
    private static partial void LogTraceOn(ILogger logger, string configured);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "SIGUSR2: log level set back to {Configured} (NSM_LOG_LEVEL)")]
    private static partial void LogBack(ILogger logger, string configured);
}
