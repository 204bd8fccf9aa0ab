using System.Globalization;

namespace SriovForwarder.Silo.Configuration;

/// <summary>A TCP listen address <c>host:port</c>; an empty host means every interface.</summary>
/// <param name="Host">Host name or IP address (IPv6 without brackets); empty for every interface.</param>
/// <param name="Port">TCP port, 1 to 65535.</param>
public sealed record HostPort(string Host, int Port)
{
    /// <summary>Parses <c>host:port</c>, <c>:port</c> or <c>[ipv6]:port</c>.</summary>
    public static bool TryParse(string text, out HostPort? value)
    {
        value = null;
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':') || host.Contains('[') || host.Contains(']'))
        {
            return false;
        }

        if (host.Any(char.IsWhiteSpace) || !TryParsePort(text[(colon + 1)..], out var port))
        {
            return false;
        }

        value = new HostPort(host, port);
        return true;
    }

    /// <summary>Parses a decimal TCP port between 1 and 65535.</summary>
    public static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5
            && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is >= 1 and <= 65535;
    }

    /// <inheritdoc />
    public override string ToString() =>
        (Host.Contains(':') ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
