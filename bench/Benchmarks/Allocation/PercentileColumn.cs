using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SriovForwarder.Benchmarks.Allocation;

/// <summary>A percentile of the per-iteration mean operation time (BenchmarkDotNet has P95 and P100 built in, not P99).</summary>
/// <remarks>
/// One column for every benchmark: the allocation-style benchmarks show nanoseconds of iteration means,
/// the one-invocation-per-iteration ones (netlink cycle) show milliseconds of single operations, so the
/// unit and the legend are parameters rather than a second column type.
/// </remarks>
public sealed class PercentileColumn(int percentile, bool inMilliseconds, string legend) : IColumn
{
    /// <summary>Nanoseconds, with the legend for percentiles over iteration means.</summary>
    public PercentileColumn(int percentile)
        : this(percentile, inMilliseconds: false, $"Percentile {percentile} of the iteration means (not of single operations)")
    {
    }

    /// <summary>Milliseconds, for jobs with one invocation per iteration where a percentile is one of single cycles.</summary>
    public static PercentileColumn OfSingleCycles(int percentile) =>
        new(percentile, inMilliseconds: true, $"Percentile {percentile} of single cycles (one invocation per iteration)");

    public string Id => $"{nameof(PercentileColumn)}.P{percentile}{(inMilliseconds ? ".ms" : string.Empty)}";

    public string ColumnName => $"P{percentile}";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
        {
            return "NA";
        }

        var nanoseconds = statistics.Percentiles.Percentile(percentile);
        return inMilliseconds ? $"{nanoseconds / 1_000_000.0:0.000} ms" : $"{nanoseconds:N2} ns";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
