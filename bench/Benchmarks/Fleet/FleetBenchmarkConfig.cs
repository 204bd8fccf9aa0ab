using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.Fleet;

/// <summary>A short in-process job with median and P99 (the silo and its 10,000 simulated nodes live in the benchmark process).</summary>
public sealed class FleetBenchmarkConfig : ManualConfig
{
    public FleetBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(30).WithToolchain(InProcessEmitToolchain.Instance).WithId("short-30"));
        AddColumn(StatisticColumn.Median, new PercentileColumn(99));
    }
}
