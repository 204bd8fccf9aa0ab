using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>
/// The same calls twice: one operation per iteration (as the endpoint benchmark measures: the threads of both sides
/// have gone idle between operations) and back to back (many operations per iteration, threads kept awake).
/// </summary>
public sealed class BareCallBenchmarkConfig : ManualConfig
{
    public BareCallBenchmarkConfig()
    {
        AddJob(SingleOperationJob.Create(warmups: 20, iterations: 200, "one-op"));
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("back-to-back"));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99));
    }
}
