using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SriovForwarder.Benchmarks.Allocation;

/// <summary>CPU time of the benchmark thread per operation over the whole run of a case, and its ratio to the smallest VF count.</summary>
/// <remarks>
/// Wall-clock statistics swing widely when other work shares the cores; CPU time does not count time spent
/// waiting for a core, so it shows the cost of the code itself. It needs the in-process toolchain (the benchmark
/// records into this process) and includes warm-up, Tier-0 code and BenchmarkDotNet's own per-iteration work on that thread.
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
        : "CPU time of the benchmark thread per operation over all invocations of the case (waiting for a core does not count)";

    public static void Record(int vfCount, double nanoseconds) => Results[vfCount] = nanoseconds;

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
