using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.NodeGrain;

/// <summary>A short in-process job with median, P95 and P99 (the silo lives in the benchmark process).</summary>
public sealed class NodeGrainBenchmarkConfig : ManualConfig
{
    public NodeGrainBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(30).WithToolchain(InProcessEmitToolchain.Instance).WithId("short-30"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), BaselineRatioColumn.RatioMean);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
