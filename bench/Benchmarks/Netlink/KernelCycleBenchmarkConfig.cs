using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.Netlink;

/// <summary>One cycle per iteration (invocation count 1), so the percentiles are percentiles of single cycles; short and in-process.</summary>
public sealed class KernelCycleBenchmarkConfig : ManualConfig
{
    public KernelCycleBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(100)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("cycle-100"));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95, PercentileColumn.OfSingleCycles(99), BaselineRatioColumn.RatioMean);
        AddDiagnoser(MemoryDiagnoser.Default);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
