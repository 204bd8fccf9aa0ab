namespace SriovForwarder.Silo.Configuration;

/// <summary>One environment variable of the process: its name, type, default and meaning, and how it is parsed.</summary>
public sealed class SettingDescriptor
{
    private readonly Func<ForwarderSettings, string> _format;

    internal SettingDescriptor(
        string name, string type, string @default, string meaning, SettingParser parse, Func<ForwarderSettings, string> format, bool isSecret = false)
    {
        Name = name;
        Type = type;
        Default = @default;
        Meaning = meaning;
        Parse = parse;
        _format = format;
        IsSecret = isSecret;
    }

    /// <summary>The environment variable, e.g. <c>NSM_DIAL_TIMEOUT</c>.</summary>
    public string Name { get; }

    /// <summary>The value's kind as shown in the help, e.g. <c>duration</c>.</summary>
    public string Type { get; }

    /// <summary>The default in the variable's own syntax, or a description in parentheses when it is computed.</summary>
    public string Default { get; }

    /// <summary>One line saying what the variable does.</summary>
    public string Meaning { get; }

    /// <summary>True when the value may hold a password and must not be logged.</summary>
    public bool IsSecret { get; }

    internal SettingParser Parse { get; }

    /// <summary>The variable's current value in <paramref name="settings"/>, in the variable's syntax (secrets masked).</summary>
    public string FormatValue(ForwarderSettings settings) => IsSecret && _format(settings).Length > 0 ? "***" : _format(settings);
}

/// <summary>Applies a raw value to settings; returns the updated settings or a problem (without the variable's name).</summary>
internal delegate SettingParseResult SettingParser(ForwarderSettings current, string value);

/// <summary>Either updated settings or the reason a value was refused.</summary>
internal readonly record struct SettingParseResult(ForwarderSettings? Settings, string? Problem)
{
    public static SettingParseResult Ok(ForwarderSettings settings) => new(settings, null);

    public static SettingParseResult Fail(string problem) => new(null, problem);
}
