using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Extensions;

/// <summary>Wires the forwarder's logging: one-line console output, filtered by the run-time <see cref="LogLevelSwitch"/>.</summary>
public static class LoggingExtensions
{
    /// <summary>
    /// Adds the console and makes <paramref name="levels"/> the only filter: rules from configuration or other
    /// <c>AddFilter</c> calls would otherwise win for their categories and ignore a level changed at run time.
    /// </summary>
    public static ILoggingBuilder AddForwarderConsole(this ILoggingBuilder logging, LogLevelSwitch levels)
    {
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<LoggerFilterOptions>(o =>
        {
            o.Rules.Clear();
            o.MinLevel = LogLevel.Trace;
            o.Rules.Add(new LoggerFilterRule(null, null, null, (_, category, level) => levels.IsEnabled(category, level)));
        });
        return logging;
    }
}
