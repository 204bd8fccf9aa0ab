namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// The process's log level, consulted by the filter of every logger on every call, so a change (SIGUSR1/SIGUSR2)
/// reaches loggers that already exist.
/// </summary>
public sealed class LogLevelSwitch(LogLevel configured)
{
    private static readonly string[] FrameworkCategories = ["Orleans", "Microsoft", "Polly"];
    private int _level = (int)configured;

    /// <summary>The level <c>NSM_LOG_LEVEL</c> asked for.</summary>
    public LogLevel Configured => configured;

    /// <summary>The level in force now.</summary>
    public LogLevel Current => (LogLevel)Volatile.Read(ref _level);

    /// <summary>Changes the level of every logger.</summary>
    public void Set(LogLevel level) => Volatile.Write(ref _level, (int)level);

    /// <summary>Whether a message of <paramref name="level"/> in <paramref name="category"/> is written at the current level.</summary>
    public bool IsEnabled(string? category, LogLevel level)
    {
        var current = Current;
        // Orleans', ASP.NET Core's and Polly's own chatter stays at warnings unless the level is debug or trace.
        var minimum = current == LogLevel.Information && IsFramework(category) ? LogLevel.Warning : current;
        return level >= minimum && level != LogLevel.None;
    }

    private static bool IsFramework(string? category) =>
        category is not null && FrameworkCategories.Any(prefix => category.StartsWith(prefix, StringComparison.Ordinal));
}
