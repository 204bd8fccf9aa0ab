using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Silo.Configuration;

/// <summary>Builds <see cref="SettingDescriptor"/>s for each value syntax, so every variable of a kind parses and complains alike.</summary>
internal static class SettingKinds
{
    public const string DurationHint = "use Go syntax such as 50ms, 1m30s";

    public static SettingDescriptor Text(
        string name, string @default, string meaning, Func<ForwarderSettings, string, ForwarderSettings> set, Func<ForwarderSettings, string?> get,
        bool required = false, bool isSecret = false) =>
        new(name, "string", @default, meaning,
            (current, value) => required && value.Length == 0
                ? SettingParseResult.Fail(EmptyProblem(@default))
                : SettingParseResult.Ok(set(current, value)),
            s => get(s) ?? string.Empty, isSecret);

    public static SettingDescriptor Duration(
        string name, string @default, string meaning, Func<ForwarderSettings, TimeSpan, ForwarderSettings> set, Func<ForwarderSettings, TimeSpan> get) =>
        new(name, "duration", @default, meaning,
            (current, value) => !GoDuration.TryParse(value, out var duration) ? SettingParseResult.Fail("not a duration; " + DurationHint)
                : duration < TimeSpan.Zero ? SettingParseResult.Fail("must not be negative; " + DurationHint)
                : SettingParseResult.Ok(set(current, duration)),
            s => GoDuration.Format(get(s)));

    public static SettingDescriptor Bool(
        string name, string @default, string meaning, Func<ForwarderSettings, bool, ForwarderSettings> set, Func<ForwarderSettings, bool> get,
        bool emptyIsFalse = false) =>
        new(name, "bool", @default, meaning,
            (current, value) => emptyIsFalse && value.Length == 0 ? SettingParseResult.Ok(set(current, false))
                : GoBool.TryParse(value, out var flag) ? SettingParseResult.Ok(set(current, flag))
                : SettingParseResult.Fail("not a boolean; use true or false (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False)"),
            s => get(s) ? "true" : "false");

    public static SettingDescriptor Port(
        string name, string @default, string meaning, Func<ForwarderSettings, int, ForwarderSettings> set, Func<ForwarderSettings, int> get) =>
        new(name, "port", @default, meaning,
            (current, value) => HostPort.TryParsePort(value, out var port)
                ? SettingParseResult.Ok(set(current, port))
                : SettingParseResult.Fail("not a port number; use an integer from 1 to 65535"),
            s => get(s).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static SettingDescriptor List(
        string name, string @default, string meaning, Func<ForwarderSettings, IReadOnlyList<string>, ForwarderSettings> set,
        Func<ForwarderSettings, IReadOnlyList<string>> get) =>
        new(name, "comma-separated list", @default, meaning,
            (current, value) => SettingParseResult.Ok(set(current, EnvSyntax.ParseList(value))),
            s => EnvSyntax.FormatList(get(s)));

    public static SettingDescriptor Map(
        string name, string @default, string meaning, Func<ForwarderSettings, IReadOnlyDictionary<string, string>, ForwarderSettings> set,
        Func<ForwarderSettings, IReadOnlyDictionary<string, string>> get) =>
        new(name, "comma-separated key:value map", @default, meaning,
            (current, value) => EnvSyntax.ParseMap(value, out var badItem) is { } map
                ? SettingParseResult.Ok(set(current, map))
                : SettingParseResult.Fail(
                    $"invalid map item {EnvSyntax.Quote(badItem!)}; use key:value pairs separated by commas, such as p2p:true,a:b (a key or value may not contain ':')"),
            s => EnvSyntax.FormatMap(get(s)));

    public static SettingDescriptor Address(
        string name, string @default, string meaning, Func<ForwarderSettings, HostPort?, ForwarderSettings> set, Func<ForwarderSettings, HostPort?> get,
        bool emptyIsOff) =>
        new(name, emptyIsOff ? "host:port (empty = off)" : "host:port", @default, meaning,
            (current, value) => emptyIsOff && value.Length == 0 ? SettingParseResult.Ok(set(current, null))
                : HostPort.TryParse(value, out var address) ? SettingParseResult.Ok(set(current, address))
                : SettingParseResult.Fail("not a listen address; use host:port such as 127.0.0.1:8080, [::1]:8080 or :8080 (every interface)"),
            s => get(s)?.ToString() ?? string.Empty);

    public static SettingDescriptor LogLevelSetting(
        string name, string @default, string meaning, Func<ForwarderSettings, LogLevel, ForwarderSettings> set, Func<ForwarderSettings, LogLevel> get) =>
        new(name, "log level", @default, meaning,
            (current, value) => NsmLogLevel.TryParse(value, out var level)
                ? SettingParseResult.Ok(set(current, level))
                : SettingParseResult.Fail("not a log level; use panic, fatal, error, warn, warning, info, debug or trace"),
            s => NsmLogLevel.Format(get(s)));

    public static SettingDescriptor Clustering(
        string name, string @default, string meaning, Func<ForwarderSettings, ClusteringMode, ForwarderSettings> set, Func<ForwarderSettings, ClusteringMode> get) =>
        new(name, "localhost|redis", @default, meaning,
            (current, value) => value.ToLowerInvariant() switch
            {
                "localhost" => SettingParseResult.Ok(set(current, ClusteringMode.Localhost)),
                "redis" => SettingParseResult.Ok(set(current, ClusteringMode.Redis)),
                _ => SettingParseResult.Fail("not a clustering mode; use localhost or redis"),
            },
            s => get(s).ToString().ToLowerInvariant());

    public static SettingDescriptor LogFormatSetting(
        string name, string @default, string meaning, Func<ForwarderSettings, LogFormat, ForwarderSettings> set, Func<ForwarderSettings, LogFormat> get) =>
        new(name, "text|json", @default, meaning,
            (current, value) => value.ToLowerInvariant() switch
            {
                "text" => SettingParseResult.Ok(set(current, LogFormat.Text)),
                "json" => SettingParseResult.Ok(set(current, LogFormat.Json)),
                _ => SettingParseResult.Fail("not a log format; use text or json"),
            },
            s => get(s).ToString().ToLowerInvariant());

    public static SettingDescriptor Ip(
        string name, string @default, string meaning, Func<ForwarderSettings, IPAddress, ForwarderSettings> set, Func<ForwarderSettings, IPAddress?> get) =>
        new(name, "IP address", @default, meaning,
            (current, value) => TryParseIp(value, out var ip)
                ? SettingParseResult.Ok(set(current, ip))
                : SettingParseResult.Fail("not an IP address; use a literal address such as 10.0.0.5 or fd00::5"),
            s => get(s)?.ToString() ?? string.Empty);

    public static SettingDescriptor ConnectUrl(
        string name, string @default, string meaning, Func<ForwarderSettings, Uri, ForwarderSettings> set, Func<ForwarderSettings, Uri> get) =>
        new(name, "URL", @default, meaning,
            (current, value) => NsmUrl.CheckConnectTo(value, out var url) is { } problem
                ? SettingParseResult.Fail(problem)
                : SettingParseResult.Ok(set(current, url!)),
            s => get(s).OriginalString);

    public static SettingDescriptor ListenUrl(
        string name, string @default, string meaning, Func<ForwarderSettings, Uri?, ForwarderSettings> set, Func<ForwarderSettings, Uri?> get) =>
        new(name, "unix:// URL", @default, meaning,
            (current, value) => value.Length == 0 ? SettingParseResult.Ok(set(current, null))
                : NsmUrl.CheckUnix(value, out var url) is { } problem ? SettingParseResult.Fail(problem)
                : SettingParseResult.Ok(set(current, url)),
            s => get(s)?.OriginalString ?? string.Empty);

    private static string EmptyProblem(string @default) =>
        @default.Length > 0 ? "must not be empty; unset it to use the default " + @default
        : "must not be empty";

    private static bool TryParseIp(string text, out IPAddress ip)
    {
        // IPAddress.TryParse also takes "10" or "10.1" (legacy inet_aton forms); insist on four IPv4 parts.
        ip = IPAddress.None;
        if (!IPAddress.TryParse(text, out var parsed)
            || (parsed.AddressFamily == AddressFamily.InterNetwork && text.Split('.').Length != 4))
        {
            return false;
        }

        ip = parsed;
        return true;
    }
}
