using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SriovForwarder.Benchmarks;

/// <summary>
/// The in-process job of the latency benchmarks: one invocation per iteration (no unrolling), so median and
/// percentiles are over single operations, not over means of batches.
/// </summary>
public static class SingleOperationJob
{
    /// <summary>The job with <paramref name="warmups"/> warm-up and <paramref name="iterations"/> measured operations, named <paramref name="id"/>.</summary>
    public static Job Create(int warmups, int iterations, string id) => Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(warmups)
        .WithIterationCount(iterations)
        .WithInvocationCount(1)
        .WithUnrollFactor(1)
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithId(id);
}
