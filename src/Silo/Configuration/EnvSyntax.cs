namespace SriovForwarder.Silo.Configuration;

/// <summary>List and map value syntax of Go's <c>envconfig</c>, which upstream's variables use.</summary>
public static class EnvSyntax
{
    /// <summary>Splits a comma list without trimming; a blank value is an empty list.</summary>
    public static IReadOnlyList<string> ParseList(string text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',');

    /// <summary>Parses <c>k1:v1,k2:v2</c>; each item must hold exactly one <c>:</c>. A blank value is an empty map.</summary>
    /// <returns>The map, or null with <paramref name="badItem"/> set to the first item that is not <c>key:value</c>.</returns>
    public static IReadOnlyDictionary<string, string>? ParseMap(string text, out string? badItem)
    {
        badItem = null;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return map;
        }

        foreach (var item in text.Split(','))
        {
            var parts = item.Split(':');
            if (parts.Length != 2)
            {
                badItem = item;
                return null;
            }

            // A repeated key keeps the last value, as Go's map assignment does.
            map[parts[0]] = parts[1];
        }

        return map;
    }

    /// <summary>Formats a list back into its environment syntax.</summary>
    public static string FormatList(IEnumerable<string> items) => string.Join(',', items);

    /// <summary>Formats a map back into its environment syntax.</summary>
    public static string FormatMap(IReadOnlyDictionary<string, string> map) =>
        string.Join(',', map.Select(pair => pair.Key + ":" + pair.Value));

    /// <summary>Quotes a value for a problem message, escaping quotes, backslashes and control characters.</summary>
    public static string Quote(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                _ when char.IsControl(c) => builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }
}
