namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Holds back the error logs the host and Orleans write, with stack traces, when starting fails, while the program
/// reports that failure itself as one line naming its cause. At debug and trace level nothing is held back.
/// </summary>
public sealed class StartupLogGate(LogLevel logLevel)
{
    /// <summary>The categories whose start-up errors the program reports itself.</summary>
    public static readonly IReadOnlyList<string> Categories =
        ["Microsoft.Extensions.Hosting", "Orleans.Runtime.Silo", "Orleans.Runtime.MembershipService", "Orleans.Hosting"];

    // Like the program's other framework categories: warnings and up, unless NSM_LOG_LEVEL asks for debug or trace.
    private readonly LogLevel _minimum = logLevel <= LogLevel.Debug ? logLevel : LogLevel.Warning;
    private readonly bool _holdBack = logLevel > LogLevel.Debug;
    private volatile bool _starting = true;

    /// <summary>Called once the host has started, or has been stopped after failing to start.</summary>
    public void StartEnded() => _starting = false;

    /// <summary>The log filter of <see cref="Categories"/>.</summary>
    public bool Allows(LogLevel level) => level >= _minimum && (level < LogLevel.Error || !_starting || !_holdBack);
}
