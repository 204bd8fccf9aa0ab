using System.Globalization;

namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>An inclusive L4 port range for policy rules (FRA_SPORT_RANGE / FRA_DPORT_RANGE).</summary>
/// <param name="Start">First port.</param>
/// <param name="End">Last port, at least <paramref name="Start"/>.</param>
public readonly record struct PortRange(ushort Start, ushort End)
{
    /// <summary>Parses <c>start-end</c> or a single port.</summary>
    public static PortRange Parse(string text)
    {
        var parts = text?.Split('-') ?? [];
        if (parts.Length is 1 or 2
            && ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && ushort.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            && start <= end)
        {
            return new PortRange(start, end);
        }

        throw new FormatException($"failed to parse port range '{text}': expected 'start-end' or a single port, 0..65535, start <= end");
    }

    /// <inheritdoc />
    public override string ToString() => Start == End ? $"{Start}" : $"{Start}-{End}";
}
