using System.Diagnostics;
using System.Text.Json;

namespace SriovForwarder.TestSupport.Namespaces;

/// <summary>Runs the iproute2 <c>ip</c> command: test set-up and the independent cross-check of what our netlink did.</summary>
public static class IpCommand
{
    /// <summary>Runs <c>ip args</c> and returns stdout; throws with stderr when it fails.</summary>
    public static string Run(params string[] args)
    {
        var (code, output, error) = TryRun(args);
        return code == 0 ? output : throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {error}");
    }

    /// <summary>Runs <c>ip args</c> and returns exit code, stdout and stderr.</summary>
    public static (int Code, string Output, string Error) TryRun(params string[] args)
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
        return (process.ExitCode, output, error);
    }

    /// <summary>Runs <c>ip -j args</c> and parses the JSON array.</summary>
    public static JsonElement[] Json(params string[] args)
    {
        var text = Run(["-j", .. args]);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        using var document = JsonDocument.Parse(text);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
