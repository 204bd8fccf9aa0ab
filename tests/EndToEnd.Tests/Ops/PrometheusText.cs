using System.Globalization;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>Reads samples out of Prometheus text exposition, as a scraper would.</summary>
public static class PrometheusText
{
    /// <summary>The sample lines of metric <paramref name="name"/> (exact name, with or without labels).</summary>
    public static IReadOnlyList<string> Samples(string text, string name) =>
        text.Split('\n')
            .Where(l => !l.StartsWith('#') && (l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)))
            .ToList();

    /// <summary>The sum of the values of <paramref name="name"/>'s samples whose labels contain every one of <paramref name="labels"/> (e.g. <c>state="free"</c>).</summary>
    public static double Sum(string text, string name, params string[] labels) =>
        Samples(text, name)
            .Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Sum(Value);

    private static double Value(string sample)
    {
        // name{labels} value [timestamp]
        var afterLabels = sample.LastIndexOf('}') is var close and >= 0 ? sample[(close + 1)..] : sample[sample.IndexOf(' ', StringComparison.Ordinal)..];
        var parts = afterLabels.Trim().Split(' ');
        return double.Parse(parts[0], CultureInfo.InvariantCulture);
    }
}
