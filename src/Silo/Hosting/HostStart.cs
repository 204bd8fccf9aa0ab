using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// The start-up path of the program around the host: what is checked before the host starts, starting it, and turning
/// any failure on the way into one line naming its cause and exit code 1 (a stop signal while starting: exit code 0).
/// </summary>
public static partial class HostStart
{
    /// <summary>Checks what can be checked before the host starts: the state folder, the listen socket, every listen port.</summary>
    /// <returns>The listen ports, to name the one a bind failed on during start.</returns>
    /// <exception cref="StartupRefusedException">Something is in the way; the message names it.</exception>
    public static IReadOnlyList<ListenPort> CheckHost(ForwarderSettings settings)
    {
        StatePathCheck.Ensure(settings.StatePath);
        if (settings.ListenOn is { } listenOn)
        {
            ListenSocketCheck.Ensure(NsmUrl.SocketPath(listenOn));
        }

        var ports = ListenPort.From(settings);
        ListenPortCheck.Ensure(ports);
        return ports;
    }

    /// <summary>Starts the host; on failure stops what had started and returns the exit code to end with (null once started).</summary>
    public static async Task<int?> StartOrRefuseAsync(
        WebApplication app, ForwarderSettings settings, IReadOnlyList<ListenPort> ports, StartupLogGate gate, StartupStopSignal stopSignal, ILogger logger)
    {
        try
        {
            // A signal caught before the host listens for signals itself still stops it.
            using (stopSignal.Token.Register(app.Lifetime.StopApplication))
            {
                await app.StartAsync();
            }

            stopSignal.Dispose();
            gate.StartEnded();
            return null;
        }
        catch (Exception ex)
        {
            var stopping = app.Lifetime.ApplicationStopping.IsCancellationRequested;
            using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            {
                try
                {
                    await app.StopAsync(stopTimeout.Token);
                }
                catch (Exception stopFailure)
                {
                    LogStopAfterFailedStart(logger, stopFailure.Message);
                }
            }

            await app.DisposeAsync();
            gate.StartEnded();
            if (stopping)
            {
                return StoppedWhileStarting(logger);
            }

            return Refused(logger, ex as StartupRefusedException ?? ListenPortCheck.Translate(ex, ports) ?? ClusteringCheck.Translate(ex, settings) ?? ex);
        }
    }

    /// <summary>Logs a start-up failure as one line (a refusal's message, else the exception's type and message) and returns exit code 1.</summary>
    /// <remarks>The stack trace of an unexpected exception is logged at debug level only.</remarks>
    public static int Refused(ILogger logger, Exception failure)
    {
        if (failure is StartupRefusedException refused)
        {
            LogRefused(logger, refused.Message);
        }
        else
        {
            LogStartFailed(logger, failure.GetType().Name, failure.Message, logger.IsEnabled(LogLevel.Debug) ? failure : null);
        }

        return ForwarderProgram.StartupError;
    }

    /// <summary>Logs that a stop signal ended the start and returns exit code 0.</summary>
    public static int StoppedWhileStarting(ILogger logger)
    {
        LogStoppedWhileStarting(logger);
        return 0;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Critical, Message = "cannot start: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Critical, Message = "cannot start: {Type}: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string type, string reason, Exception? exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "stopping what had started failed: {Reason}")]
    private static partial void LogStopAfterFailedStart(ILogger logger, string reason);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "stopped while starting (SIGTERM/SIGINT)")]
    private static partial void LogStoppedWhileStarting(ILogger logger);
}
