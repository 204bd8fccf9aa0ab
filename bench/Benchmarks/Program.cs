using BenchmarkDotNet.Running;

// Runs the benchmarks named on the command line (see bench/README.md), e.g. `--filter '*Allocation*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
