using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>One kubelet restart per iteration, so the percentiles are over single restarts.</summary>
public sealed class KubeletRestartConfig : ManualConfig
{
    public KubeletRestartConfig()
    {
        AddJob(SingleOperationJob.Create(warmups: 5, iterations: 100, "restart-100"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
    }
}
