namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Holds back the error logs the host and Orleans write, with stack traces, when starting fails, while the program
/// reports that failure itself as one line naming its cause. At debug and trace level nothing is held back. The level
/// itself is the run-time <see cref="LogLevelSwitch"/>'s.
/// </summary>
public sealed class StartupLogGate(LogLevelSwitch levels)
{
    /// <summary>The categories whose start-up errors the program reports itself.</summary>
    public static readonly IReadOnlyList<string> Categories =
        ["Microsoft.Extensions.Hosting", "Orleans.Runtime.Silo", "Orleans.Runtime.MembershipService", "Orleans.Hosting"];

    private readonly bool _holdBack = levels.Configured > LogLevel.Debug;
    private volatile bool _starting = true;

    /// <summary>Called once the host has started, or has been stopped after failing to start.</summary>
    public void StartEnded() => _starting = false;

    /// <summary>The log filter of <see cref="Categories"/>.</summary>
    public bool Allows(string category, LogLevel level) =>
        levels.IsEnabled(category, level) && (level < LogLevel.Error || !_starting || !_holdBack);
}
