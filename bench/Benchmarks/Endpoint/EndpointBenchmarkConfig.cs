using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>One operation per iteration, so Median and P99 are per-operation latencies, not means of batches.</summary>
public sealed class EndpointBenchmarkConfig : ManualConfig
{
    public EndpointBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(20).WithIterationCount(200).WithInvocationCount(1).WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("one-op"));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99));
    }
}
