using System.Globalization;
using System.Text.Json;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>
/// The forwarder's own figures from its diagnostics listener (<c>/debug/runtime</c>): what of the resident memory is the
/// managed heap (<see cref="HeapBytes"/>, <see cref="CommittedBytes"/>) and how much was JIT-compiled at run time.
/// </summary>
public sealed record RuntimeFigures(long HeapBytes, long CommittedBytes, int Threads, long JitMethods, long JitIlBytes, double JitMs)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"managed heap {HeapBytes / 1048576.0:F1} MiB (committed {CommittedBytes / 1048576.0:F1}), {Threads} threads, {JitMethods} methods JIT-compiled ({JitIlBytes / 1024} KiB IL, {JitMs:F0} ms)");

    public static async Task<RuntimeFigures> ReadAsync(string port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/debug/runtime")));
        var root = json.RootElement;
        return new RuntimeFigures(
            root.GetProperty("heapSizeBytes").GetInt64(),
            root.GetProperty("totalCommittedBytes").GetInt64(),
            root.GetProperty("threadCount").GetInt32(),
            root.GetProperty("jitCompiledMethods").GetInt64(),
            root.GetProperty("jitCompiledIlBytes").GetInt64(),
            root.GetProperty("jitTimeMs").GetDouble());
    }
}
