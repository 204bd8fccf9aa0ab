using System.Diagnostics;
using System.Text.Json;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>A named network namespace made with <c>ip netns add</c> for one test (needs root), deleted on dispose.</summary>
internal sealed class ClientNamespace : IDisposable
{
    private static int _counter;

    public ClientNamespace()
    {
        Name = $"kmc{Environment.ProcessId % 100000}-{Interlocked.Increment(ref _counter)}";
        Ip("netns", "add", Name);
    }

    public string Name { get; }

    public string Path => "/var/run/netns/" + Name;

    public string FileUrl => "file://" + Path;

    /// <summary>Runs <c>ip -n &lt;ns&gt; -j ...</c> and parses its JSON.</summary>
    public JsonElement Json(params string[] args) =>
        JsonDocument.Parse(Ip(["-n", Name, "-j", .. args])).RootElement.Clone();

    public static string Ip(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {error}");
    }

    public void Delete()
    {
        if (File.Exists(Path))
        {
            Ip("netns", "del", Name);
        }
    }

    public void Dispose() => Delete();
}
