using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.Health;

/// <summary>One fault per iteration, so the percentiles are over single carrier losses, not over iteration means.</summary>
public sealed class CarrierFaultConfig : ManualConfig
{
    public CarrierFaultConfig()
    {
        AddJob(SingleOperationJob.Create(warmups: 5, iterations: 60, "single-60"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
    }
}
