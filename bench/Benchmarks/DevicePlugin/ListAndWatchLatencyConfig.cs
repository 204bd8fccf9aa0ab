using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// One invocation per iteration, so the percentiles are over single state changes, not over iteration means; with issue 14's
/// measure (token change → update at the client, <see cref="TokenChangeToUpdateColumn"/>) beside BenchmarkDotNet's own.
/// </summary>
public sealed class ListAndWatchLatencyConfig : ManualConfig
{
    /// <summary>Measured operations per case.</summary>
    public const int Iterations = 200;

    public ListAndWatchLatencyConfig()
    {
        AddJob(SingleOperationJob.Create(warmups: 20, Iterations, "single-200"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max,
            new TokenChangeToUpdateColumn(50), new TokenChangeToUpdateColumn(99));
    }
}
