using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>Runs iproute2's <c>ip</c> for the simulation's veths (test infrastructure, never on the request path).</summary>
internal static class IpCommand
{
    /// <summary>Runs <c>ip</c> with the given arguments and optional standard input; returns exit code and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(IEnumerable<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ip");
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var errorTask = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errorTask.GetAwaiter().GetResult().Trim());
    }

    /// <summary>Runs a batch of commands (one per line) through <c>ip -force -batch -</c>, in a namespace when given.</summary>
    public static (int ExitCode, string Error) Batch(string? netns, IReadOnlyCollection<string> commands)
    {
        if (commands.Count == 0)
        {
            return (0, string.Empty);
        }

        var arguments = new List<string>();
        if (netns is not null)
        {
            arguments.AddRange(["-n", netns]);
        }

        arguments.AddRange(["-force", "-batch", "-"]);
        var input = new StringBuilder();
        foreach (var command in commands)
        {
            input.Append(command).Append('\n');
        }

        var (exit, _, error) = Run(arguments, input.ToString());
        return (exit, error);
    }

    /// <summary>The link names in a namespace (the current one when null).</summary>
    public static HashSet<string> LinkNames(string? netns)
    {
        var arguments = netns is null ? new List<string>() : ["-n", netns];
        arguments.AddRange(["-j", "link", "show"]);
        var (exit, output, error) = Run(arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {error}");
        }

        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(output) ? "[]" : output);
        return document.RootElement.EnumerateArray()
            .Select(link => link.TryGetProperty("ifname", out var name) ? name.GetString() : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The names of the named network namespaces (<c>ip netns list</c>).</summary>
    public static IReadOnlyList<string> NamespaceNames()
    {
        var (exit, output, _) = Run(["netns", "list"]);
        return exit != 0
            ? []
            : output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split(' ')[0])
                .ToList();
    }
}
