using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Logging;

/// <summary>
/// The effective configuration at start-up (secrets masked), event id 3: as text, one line per variable; as JSON, one
/// object whose state holds every variable as a field, so neither form is a table folded into one line.
/// </summary>
public static partial class SettingsDump
{
    /// <summary>Event id of the dump in both formats.</summary>
    public const int EventId = 3;

    /// <summary>Logs the value of every variable of <see cref="ForwarderSettingsVariables.All"/> in <paramref name="settings"/>.</summary>
    public static void Write(ILogger logger, ForwarderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var values = ForwarderSettingsVariables.All.Select(v => new KeyValuePair<string, string>(v.Name, v.FormatValue(settings))).ToList();
        if (settings.LogFormat == LogFormat.Json)
        {
            // [LoggerMessage] has a fixed set of fields; this event's fields are the variables, so it is logged by hand.
            logger.Log(LogLevel.Information, new EventId(EventId, "Configuration"), new SettingsDumpState(values), null, (state, _) => state.ToString());
            return;
        }

        foreach (var (name, value) in values)
        {
            LogSetting(logger, name, value);
        }
    }

    [LoggerMessage(EventId = EventId, Level = LogLevel.Information, Message = "Configuration: {Variable}={Value}")]
    private static partial void LogSetting(ILogger logger, string variable, string value);
}
