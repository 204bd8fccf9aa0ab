namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Holds back the error logs the host and Orleans write, with stack traces, when starting fails, while the program
/// reports that failure itself as one line naming its cause. At debug and trace level nothing is held back.
/// </summary>
public sealed class StartupLogGate(LogLevel minimum)
{
    /// <summary>The categories whose start-up errors the program reports itself.</summary>
    public static readonly IReadOnlyList<string> Categories = ["Microsoft.Extensions.Hosting", "Orleans.Runtime.Silo", "Orleans.Runtime.MembershipService", "Orleans.Hosting"];

    private volatile bool _starting = true;

    /// <summary>Called once the host has started, or has been stopped after failing to start.</summary>
    public void StartEnded() => _starting = false;

    /// <summary>The filter for <see cref="Categories"/>: <paramref name="level"/> at or above the minimum, and errors only once started.</summary>
    public bool Allows(LogLevel level) =>
        level >= minimum && (level < LogLevel.Error || !_starting || minimum <= LogLevel.Debug);
}
