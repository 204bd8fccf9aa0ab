using System.Text.RegularExpressions;

namespace SriovForwarder.EndToEnd.Tests;

/// <summary>
/// Reads the forwarder's text log lines (<c>NSM_LOG_FORMAT=text</c>): <c>2026-12-06T20:31:02.123Z info: Category[id] message</c>.
/// </summary>
public static partial class ConsoleLogLine
{
    /// <summary>Whether <paramref name="line"/> is a log line of <paramref name="level"/> (<c>trce</c>, <c>dbug</c>, <c>info</c>, <c>warn</c>, <c>fail</c>, <c>crit</c>).</summary>
    public static bool HasLevel(string line, string level) => Prefix().Match(line) is { Success: true } match && match.Groups["level"].Value == level;

    /// <summary>The UTC timestamp the line starts with, or null when it has none.</summary>
    public static DateTime? Timestamp(string line) =>
        Prefix().Match(line) is { Success: true } match
            ? DateTime.ParseExact(match.Groups["time"].Value, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal)
            : null;

    [GeneratedRegex(@"^(?<time>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) (?<level>trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex Prefix();
}
