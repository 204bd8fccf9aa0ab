using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using SriovForwarder.Benchmarks.Allocation;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>One operation per iteration, so Median and P99 are per-operation latencies, not means of batches.</summary>
public sealed class EndpointBenchmarkConfig : ManualConfig
{
    public EndpointBenchmarkConfig()
    {
        AddJob(SingleOperationJob.Create(warmups: 20, iterations: 200, "one-op"));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99));
    }
}
