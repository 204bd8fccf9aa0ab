using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>One invocation per iteration, so the percentiles are over single state changes, not over iteration means.</summary>
public sealed class ListAndWatchLatencyConfig : ManualConfig
{
    public ListAndWatchLatencyConfig()
    {
        AddJob(SingleOperationJob.Create(warmups: 20, iterations: 200, "single-200"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
    }
}
