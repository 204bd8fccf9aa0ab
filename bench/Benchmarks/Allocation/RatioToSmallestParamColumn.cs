using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SriovForwarder.Benchmarks.Allocation;

/// <summary>A statistic (median, min) of a case divided by the same statistic of the same benchmark at the smallest value of a parameter.</summary>
/// <remarks>BenchmarkDotNet's own ratio compares methods, not parameter values; the target is stated per VF count.</remarks>
public sealed class RatioToSmallestParamColumn(string parameter, string statisticName, Func<Statistics, double> statistic) : IColumn
{
    public string Id => $"{nameof(RatioToSmallestParamColumn)}.{parameter}.{statisticName}";

    public string ColumnName => $"{statisticName} ratio";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{statisticName} divided by the {statisticName} at the smallest {parameter}";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.BenchmarksCases
            .Where(other => other.Descriptor == benchmarkCase.Descriptor && other.Job == benchmarkCase.Job)
            .MinBy(other => Convert.ToInt64(other.Parameters[parameter], CultureInfo.InvariantCulture));
        var value = summary[benchmarkCase]?.ResultStatistics is { } own ? statistic(own) : (double?)null;
        var baselineValue = baseline is not null && summary[baseline]?.ResultStatistics is { } other ? statistic(other) : (double?)null;
        return value is null || baselineValue is null or 0
            ? "NA"
            : (value.Value / baselineValue.Value).ToString("0.00", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
