using System.Globalization;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>The start-up harness's command line: <c>startup [--runs N] [--idle SECONDS] [--dashboard on|off] [--ops on|off] [--kubelet on|off] [--phases on|off] [--runtime-figures on|off] [--simulate SPEC]</c>.</summary>
/// <remarks>
/// <see cref="Ops"/> off leaves out the ops listener (a second Kestrel with OpenTelemetry metrics) and the fleet API, which
/// the DaemonSet runs: to measure what they cost. <see cref="RuntimeFigures"/> turns on the diagnostics listener
/// (<c>/debug/runtime</c>) and reads the managed heap, committed memory, threads and JIT-compiled methods after the idle period.
/// <see cref="Kubelet"/> on runs a stand-in kubelet (registration and pod-resources sockets) that holds a ListAndWatch
/// stream on every plugin server, as on a node: the device plugin's servers then run as in a deployment (decision 044).
/// <see cref="Phases"/> on prints the forwarder's start-up phase lines (time and CPU so far) of every run.
/// <see cref="Compare"/> names other builds' executables: the runs then alternate (base, other, base, other …), so every
/// build is measured in the same window of this shared machine, and each gets its own report (decision 048).
/// <see cref="Mappings"/> on prints, after the idle period of the first run of each build, the resident size of every mapped
/// file (assemblies, native libraries) and of the anonymous and JIT-code mappings, largest first.
/// </remarks>
public sealed record StartupHarnessOptions(
    string Executable, int Runs, TimeSpan Idle, bool Dashboard, string SimulateSpec, bool Ops = true, bool RuntimeFigures = false, bool Kubelet = false, bool Phases = false,
    IReadOnlyList<string>? Compare = null, bool Mappings = false)
{
    public const string Usage =
        "usage: startup [--runs N (10)] [--idle SECONDS (10)] [--dashboard on|off (on)] [--ops on|off (on)] [--kubelet on|off (off)] [--phases on|off (off)] [--runtime-figures on|off (off)] [--mappings on|off (off)] [--compare EXE[,EXE...]] [--simulate SPEC (pfs=2,vfs=8)]; " +
        "SRIOV_FORWARDER_EXE names the executable; --compare alternates runs with other builds' executables; DOTNET_* variables of this process reach the forwarder";

    /// <summary>The executable and those of <see cref="Compare"/>, in the order the runs alternate.</summary>
    public IReadOnlyList<string> Executables => [Executable, .. Compare ?? []];

    public static StartupHarnessOptions Parse(string[] args)
    {
        var exe = Environment.GetEnvironmentVariable("SRIOV_FORWARDER_EXE")
            ?? throw new ArgumentException("set SRIOV_FORWARDER_EXE to the built sriov-forwarder executable");
        var options = new StartupHarnessOptions(exe, 10, TimeSpan.FromSeconds(10), true, "pfs=2,vfs=8");
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--runs" => options with { Runs = PositiveInt(args[i], value) },
                "--idle" => options with { Idle = TimeSpan.FromSeconds(PositiveInt(args[i], value)) },
                "--dashboard" => options with { Dashboard = OnOff(args[i], value) },
                "--ops" => options with { Ops = OnOff(args[i], value) },
                "--runtime-figures" => options with { RuntimeFigures = OnOff(args[i], value) },
                "--kubelet" => options with { Kubelet = OnOff(args[i], value) },
                "--phases" => options with { Phases = OnOff(args[i], value) },
                "--mappings" => options with { Mappings = OnOff(args[i], value) },
                "--compare" => options with { Compare = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--simulate" => options with { SimulateSpec = value },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
            i++;
        }

        return options;
    }

    private static bool OnOff(string name, string value) =>
        value == "on" || (value == "off" ? false : throw new ArgumentException($"{name}: '{value}' is not on or off"));

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name}: '{value}' is not a positive number");
}
