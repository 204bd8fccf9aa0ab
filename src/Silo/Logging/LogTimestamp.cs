namespace SriovForwarder.Silo.Logging;

/// <summary>The timestamp of every log line: ISO 8601 in UTC with milliseconds, e.g. <c>2026-12-06T20:31:02.123Z</c>.</summary>
public static class LogTimestamp
{
    /// <summary>
    /// A .NET custom date format. The console formatters apply it with the current culture, so separators are quoted to
    /// stay ISO 8601 whatever the culture's date and time separators.
    /// </summary>
    public const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";
}
