using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>One kubelet restart per iteration, so the percentiles are over single restarts.</summary>
public sealed class KubeletRestartConfig : ManualConfig
{
    public KubeletRestartConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(100)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("restart-100"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
    }
}
