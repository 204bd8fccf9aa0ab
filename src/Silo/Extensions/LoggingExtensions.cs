using Microsoft.Extensions.Logging.Console;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Hosting;
using SriovForwarder.Silo.Logging;

namespace SriovForwarder.Silo.Extensions;

/// <summary>
/// Wires the forwarder's logging: console output with a UTC timestamp on every line, as text or JSON
/// (<c>NSM_LOG_FORMAT</c>), filtered by the run-time <see cref="LogLevelSwitch"/>.
/// </summary>
public static class LoggingExtensions
{
    /// <summary>
    /// Adds the console in <paramref name="format"/> and makes <paramref name="levels"/> the only filter: rules from
    /// configuration or other <c>AddFilter</c> calls would otherwise win for their categories and ignore a level changed
    /// at run time.
    /// </summary>
    public static ILoggingBuilder AddForwarderConsole(this ILoggingBuilder logging, LogLevelSwitch levels, LogFormat format)
    {
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = LogTimestamp.Format;
                o.UseUtcTimestamp = true;
                // Scopes (the request's connection id, Orleans' grain context, ...) are fields a collector can index.
                o.IncludeScopes = true;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                // One line per message, the exception's lines included, so every line starts with its timestamp.
                o.SingleLine = true;
                o.TimestampFormat = LogTimestamp.Format + " ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        logging.Services.Configure<LoggerFilterOptions>(o =>
        {
            o.Rules.Clear();
            o.MinLevel = LogLevel.Trace;
            o.Rules.Add(new LoggerFilterRule(null, null, null, (_, category, level) => levels.IsEnabled(category, level)));
        });
        return logging;
    }
}
