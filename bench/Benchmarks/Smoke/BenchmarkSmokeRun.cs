using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace SriovForwarder.Benchmarks.Smoke;

/// <summary>
/// <c>smoke [filter]</c>: runs every benchmark case once, outside BenchmarkDotNet, the way BenchmarkDotNet's in-process
/// toolchain would for one iteration (a fresh instance, the first value of each <c>[Params]</c>, global set-up, iteration
/// set-up, one call, iteration clean-up, global clean-up), and prints one line per case and then
/// <c>N passed, N failed</c>. It proves each benchmark still sets up, runs and cleans up in a few minutes; its timings
/// are one cold call each and mean nothing (the measured runs are in bench/README.md).
/// </summary>
public static class BenchmarkSmokeRun
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs the cases whose full name contains <paramref name="args"/>[0] (all when absent); 0 when every one passed.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var filter = args.FirstOrDefault() ?? string.Empty;
        var cases = typeof(BenchmarkSmokeRun).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).Select(m => (Type: t, Method: m)))
            .Where(c => $"{c.Type.FullName}.{c.Method.Name}".Contains(filter, StringComparison.Ordinal))
            .OrderBy(c => c.Type.FullName, StringComparer.Ordinal)
            .ToList();
        var (passed, failed) = (0, 0);
        foreach (var (type, method) in cases)
        {
            var name = $"{type.Name}.{method.Name}";
            var watch = Stopwatch.StartNew();
            var run = Task.Run(() => RunCaseAsync(type, method));
            var outcome = await Task.WhenAny(run, Task.Delay(CaseTimeout)).ConfigureAwait(false) == run
                ? run.Exception?.GetBaseException().Message
                : $"did not finish within {CaseTimeout.TotalMinutes:F0} min";
            if (outcome is null)
            {
                passed++;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pass  {name} ({watch.Elapsed.TotalSeconds:F1} s)"));
            }
            else
            {
                failed++;
                Console.WriteLine($"FAIL  {name}: {outcome}");
            }
        }

        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private static async Task RunCaseAsync(Type type, MethodInfo benchmark)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null))
        {
            property.SetValue(instance, property.GetCustomAttribute<ParamsAttribute>()!.Values[0]);
        }

        await InvokeAllAsync<GlobalSetupAttribute>(instance, benchmark).ConfigureAwait(false);
        try
        {
            await InvokeAllAsync<IterationSetupAttribute>(instance, benchmark).ConfigureAwait(false);
            try
            {
                await InvokeAsync(instance, benchmark).ConfigureAwait(false);
            }
            finally
            {
                await InvokeAllAsync<IterationCleanupAttribute>(instance, benchmark).ConfigureAwait(false);
            }
        }
        finally
        {
            await InvokeAllAsync<GlobalCleanupAttribute>(instance, benchmark).ConfigureAwait(false);
        }
    }

    // A set-up or clean-up applies to the benchmarks its Targets name, or to all of them when it names none.
    private static async Task InvokeAllAsync<TAttribute>(object instance, MethodInfo benchmark)
        where TAttribute : TargetedAttribute
    {
        foreach (var method in instance.GetType().GetMethods())
        {
            var attribute = method.GetCustomAttribute<TAttribute>();
            if (attribute is not null && (attribute.Targets is not { Length: > 0 } targets || targets.Contains(benchmark.Name)))
            {
                await InvokeAsync(instance, method).ConfigureAwait(false);
            }
        }
    }

    private static async Task InvokeAsync(object instance, MethodInfo method)
    {
        try
        {
            switch (method.Invoke(instance, null))
            {
                case Task task:
                    await task.ConfigureAwait(false);
                    break;
                case ValueTask valueTask:
                    await valueTask.ConfigureAwait(false);
                    break;
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"{method.Name}: {ex.InnerException.Message}", ex.InnerException);
        }
    }
}
