using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.Netlink;

/// <summary>One cycle per iteration (invocation count 1), so the percentiles are percentiles of single cycles; short and in-process.</summary>
public sealed class KernelCycleBenchmarkConfig : ManualConfig
{
    public KernelCycleBenchmarkConfig()
    {
        AddJob(SingleOperationJob.Create(warmups: 5, iterations: 100, "cycle-100"));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95, PercentileColumn.OfSingleCycles(99), BaselineRatioColumn.RatioMean);
        AddDiagnoser(MemoryDiagnoser.Default);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
