using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SriovForwarder.Benchmarks.Allocation;

/// <summary>CPU time of the benchmark thread per operation (median over windows of 2^18 operations), and its ratio to the smallest VF count.</summary>
/// <remarks>
/// Wall-clock statistics swing widely when other work shares the cores; CPU time does not count time spent
/// waiting for a core, so it shows the cost of the code itself (caches still suffer from neighbours). It needs
/// the in-process toolchain (the benchmark records into this process). Windows that straddle BenchmarkDotNet's own
/// per-iteration work include it (a few per cent at most); the median leaves those and the JIT's windows out.
/// </remarks>
public sealed class CpuTimePerOperationColumn(bool ratio) : IColumn
{
    private static readonly ConcurrentDictionary<int, double> Results = new();

    public string Id => $"{nameof(CpuTimePerOperationColumn)}.{ratio}";

    public string ColumnName => ratio ? "CPU ratio" : "CPU/op";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => ratio ? 2 : 1;

    public bool IsNumeric => true;

    public UnitType UnitType => ratio ? UnitType.Dimensionless : UnitType.Time;

    public string Legend => ratio
        ? "CPU/op divided by CPU/op at the smallest VfCount"
        : "Median over windows of 2^18 operations of the benchmark thread's CPU time per operation (waiting for a core does not count)";

    public static void Record(int vfCount, IReadOnlyList<double> windows)
    {
        var valid = windows.Where(double.IsFinite).Order().ToArray();
        Results[vfCount] = valid.Length == 0 ? double.NaN : valid[valid.Length / 2];
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var vfCount = Convert.ToInt32(benchmarkCase.Parameters["VfCount"], CultureInfo.InvariantCulture);
        if (!Results.TryGetValue(vfCount, out var value) || double.IsNaN(value))
        {
            return "NA";
        }

        if (!ratio)
        {
            return value.ToString("N1", CultureInfo.InvariantCulture) + " ns";
        }

        return Results.IsEmpty || !Results.TryGetValue(Results.Keys.Min(), out var baseline) || baseline == 0
            ? "NA"
            : (value / baseline).ToString("0.00", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
