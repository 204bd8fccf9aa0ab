using static System.FormattableString;

namespace SriovForwarder.Silo.Configuration;

/// <summary>Parses durations in Go's <c>time.ParseDuration</c> syntax, which upstream's environment uses.</summary>
/// <remarks>
/// Accepted: an optional sign, then one or more decimal numbers each followed by a unit
/// (<c>ns</c>, <c>us</c>, <c>µs</c>, <c>μs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), or the bare <c>0</c>.
/// ISO-8601 and bare numbers are refused, as in Go. Precision below 100 ns (a <see cref="TimeSpan"/> tick) is truncated.
/// </remarks>
public static class GoDuration
{
    // Go's limit: a duration is an int64 count of nanoseconds.
    private const decimal MaxNanoseconds = long.MaxValue;

    private static readonly Dictionary<string, decimal> NanosecondsPerUnit = new(StringComparer.Ordinal)
    {
        ["ns"] = 1m,
        ["us"] = 1_000m,
        ["\u00b5s"] = 1_000m, // micro sign
        ["\u03bcs"] = 1_000m, // Greek mu
        ["ms"] = 1_000_000m,
        ["s"] = 1_000_000_000m,
        ["m"] = 60_000_000_000m,
        ["h"] = 3_600_000_000_000m,
    };

    /// <summary>Parses <paramref name="text"/>; returns false when it is not a Go duration.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        var total = 0m;
        while (!s.IsEmpty)
        {
            if (!TryReadNumber(ref s, out var number) || !TryReadUnit(ref s, out var perUnit))
            {
                return false;
            }

            total += number * perUnit;
            if (total > MaxNanoseconds)
            {
                return false;
            }
        }

        var ticks = (long)decimal.Truncate(total / 100m);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Like <see cref="Format"/> without trailing zero units (<c>10m</c>, not <c>10m0s</c>), as a person writes a default in the help.</summary>
    public static string FormatShort(TimeSpan value)
    {
        var text = Format(value);
        text = text.EndsWith("m0s", StringComparison.Ordinal) ? text[..^2] : text;
        return text.EndsWith("h0m", StringComparison.Ordinal) ? text[..^2] : text;
    }

    /// <summary>Formats <paramref name="value"/> the way Go's <c>Duration.String</c> does (e.g. <c>1m30s</c>, <c>50ms</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = value < TimeSpan.Zero ? "-" : string.Empty;
        var abs = value.Duration();
        if (abs < TimeSpan.FromSeconds(1))
        {
            // Sub-second values use the largest unit that keeps an integer part, like Go.
            var ns = abs.Ticks * 100m;
            return ns switch
            {
                < 1_000m => Invariant($"{sign}{ns}ns"),
                < 1_000_000m => Invariant($"{sign}{ns / 1_000m}µs"),
                _ => Invariant($"{sign}{ns / 1_000_000m}ms"),
            };
        }

        var hours = (long)abs.TotalHours;
        var seconds = (abs - TimeSpan.FromHours(hours) - TimeSpan.FromMinutes(abs.Minutes)).Ticks / (decimal)TimeSpan.TicksPerSecond;
        var text = hours > 0 ? Invariant($"{hours}h{abs.Minutes}m{seconds}s")
            : abs.Minutes > 0 ? Invariant($"{abs.Minutes}m{seconds}s")
            : Invariant($"{seconds}s");
        return sign + text;
    }

    private static bool TryReadNumber(ref ReadOnlySpan<char> s, out decimal number)
    {
        number = 0m;
        var integerDigits = 0;
        while (integerDigits < s.Length && char.IsAsciiDigit(s[integerDigits]))
        {
            number = (number * 10m) + (s[integerDigits] - '0');
            if (number > MaxNanoseconds)
            {
                return false;
            }

            integerDigits++;
        }

        s = s[integerDigits..];
        var fractionDigits = 0;
        if (!s.IsEmpty && s[0] == '.')
        {
            s = s[1..];
            var scale = 1m;
            while (fractionDigits < s.Length && char.IsAsciiDigit(s[fractionDigits]))
            {
                // Digits past nanosecond-of-an-hour precision cannot change the result; Go drops them too.
                if (fractionDigits < 20)
                {
                    scale /= 10m;
                    number += (s[fractionDigits] - '0') * scale;
                }

                fractionDigits++;
            }

            s = s[fractionDigits..];
        }

        return integerDigits > 0 || fractionDigits > 0;
    }

    private static bool TryReadUnit(ref ReadOnlySpan<char> s, out decimal perUnit)
    {
        var length = 0;
        while (length < s.Length && s[length] != '.' && !char.IsAsciiDigit(s[length]))
        {
            length++;
        }

        var unit = s[..length].ToString();
        s = s[length..];
        return NanosecondsPerUnit.TryGetValue(unit, out perUnit);
    }
}
