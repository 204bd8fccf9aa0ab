using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// Issue 14's measure beside BenchmarkDotNet's own: from the token change (the node grain's commit of the reservation,
/// <see cref="CommitTimedGrainStorage"/>) to the kubelet-like client holding the list, a percentile over the measured
/// operations of a case. BenchmarkDotNet times the whole benchmark method, which starts with the reserve call; this part of
/// each operation is taken with a benchmark-only stopwatch and recorded here (in-process toolchain).
/// </summary>
public sealed class TokenChangeToUpdateColumn(int percentile) : IColumn
{
    private static readonly ConcurrentDictionary<string, double[]> Results = new(StringComparer.Ordinal);

    public string Id => $"{nameof(TokenChangeToUpdateColumn)}.P{percentile}";

    public string ColumnName => percentile == 50 ? "Change→update median" : $"Change→update P{percentile}";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => percentile;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => $"Percentile {percentile} of the time from the node grain's commit of the token change to the client's read of the list, over the measured operations";

    /// <summary>
    /// Keeps the last <paramref name="measured"/> values of <paramref name="milliseconds"/> (the measured operations follow the
    /// warm-up ones) for the case of <paramref name="method"/> with <paramref name="parameters"/> (<c>Name=Value</c>, comma-separated).
    /// </summary>
    public static void Record(string method, string parameters, IReadOnlyList<double> milliseconds, int measured)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        Results[Key(method, parameters)] = [.. milliseconds.Skip(Math.Max(0, milliseconds.Count - measured))];
    }

    /// <summary>The <paramref name="fraction"/> quantile (nearest rank) of <paramref name="values"/>, NaN when empty.</summary>
    public static double Quantile(IReadOnlyCollection<double> values, double fraction)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var parameters = string.Join(",", benchmarkCase.Parameters.Items.Select(p => FormattableString.Invariant($"{p.Name}={p.Value}")));
        return Results.TryGetValue(Key(benchmarkCase.Descriptor.WorkloadMethod.Name, parameters), out var values) && values.Length > 0
            ? Quantile(values, percentile / 100.0).ToString("0.000", CultureInfo.InvariantCulture) + " ms"
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static string Key(string method, string parameters) => method + "|" + parameters;
}
