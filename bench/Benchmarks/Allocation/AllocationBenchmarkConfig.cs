using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SriovForwarder.Benchmarks.Allocation;

/// <summary>A short in-process job (well under a minute per case) with min, median, P95, P99, CPU time per operation and their ratios to the smallest VF count.</summary>
/// <remarks>
/// In-process because BenchmarkDotNet's default toolchain looks for a project named like the assembly
/// (<c>SriovForwarder.Benchmarks</c>), while ours is <c>Benchmarks.csproj</c>.
/// </remarks>
public sealed class AllocationBenchmarkConfig : ManualConfig
{
    public AllocationBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(30).WithToolchain(InProcessEmitToolchain.Instance).WithId("short-30"));
        AddColumn(
            StatisticColumn.Min,
            StatisticColumn.Median,
            StatisticColumn.P95,
            new PercentileColumn(99),
            new RatioToSmallestParamColumn("VfCount", "Median", statistics => statistics.Median),
            new RatioToSmallestParamColumn("VfCount", "Min", statistics => statistics.Min),
            new CpuTimePerOperationColumn(ratio: false),
            new CpuTimePerOperationColumn(ratio: true));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
