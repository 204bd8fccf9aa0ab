using Microsoft.Extensions.Logging;

namespace SriovForwarder.Silo.Configuration;

/// <summary>Maps upstream's logrus level names to <see cref="LogLevel"/>.</summary>
public static class NsmLogLevel
{
    /// <summary>Parses panic, fatal, error, warn/warning, info, debug or trace, case-insensitively.</summary>
    public static bool TryParse(string text, out LogLevel level)
    {
        level = text.ToLowerInvariant() switch
        {
            // .NET has no level above Critical; logrus' panic and fatal both land there.
            "panic" or "fatal" => LogLevel.Critical,
            "error" => LogLevel.Error,
            "warn" or "warning" => LogLevel.Warning,
            "info" => LogLevel.Information,
            "debug" => LogLevel.Debug,
            "trace" => LogLevel.Trace,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }

    /// <summary>Formats a level with upstream's name (e.g. <c>info</c>).</summary>
    public static string Format(LogLevel level) => level switch
    {
        LogLevel.Critical => "fatal",
        LogLevel.Error => "error",
        LogLevel.Warning => "warn",
        LogLevel.Information => "info",
        LogLevel.Debug => "debug",
        LogLevel.Trace => "trace",
        _ => level.ToString(),
    };
}
