using BenchmarkDotNet.Running;
using SriovForwarder.Benchmarks.Breakdown;
using SriovForwarder.Benchmarks.Smoke;
using SriovForwarder.Benchmarks.Startup;

// `startup ...` is the start-up harness (a fresh process per sample); `smoke [filter]` runs each benchmark once to
// prove it still works; anything else goes to BenchmarkDotNet, e.g.
// `--filter '*Allocation*'` (see bench/README.md).
if (args.Length > 0 && args[0] == "startup")
{
    return await StartupHarness.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "smoke")
{
    return await BenchmarkSmokeRun.RunAsync(args[1..]);
}

// `breakdown [single-count] [batch-count] [noop|vfio]`: one NOOP (or VFIO) Request+Close by hop and chain element, from the forwarder's traces.
if (args.Length > 0 && args[0] == "breakdown")
{
    return await BreakdownHarness.RunAsync(args[1..]);
}

// `kernel-breakdown [count]`: one KERNEL Request+Close by chain element against the bare kernel work (root).
if (args.Length > 0 && args[0] == "kernel-breakdown")
{
    return await SriovForwarder.Benchmarks.KernelMechanism.KernelBreakdownHarness.RunAsync(args[1..]);
}

// `concurrency [batches-per-round] [rounds]`: 32 concurrent NOOP Request+Close against 32 bare calls, interleaved, with CPU per operation.
if (args.Length > 0 && args[0] == "concurrency")
{
    return await ConcurrencyHarness.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
