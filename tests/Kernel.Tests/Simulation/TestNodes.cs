using System.Diagnostics;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Simulation;

namespace SriovForwarder.Kernel.Tests.Simulation;

/// <summary>Helpers shared by the PCI and simulation tests.</summary>
public static class TestNodes
{
    /// <summary>A node without veths (fast); tests of real netdevs ask for them explicitly.</summary>
    public static Task<SimulatedSriovNode> CreateAsync(SimulatedNodeSpec? spec = null, string? folder = null, bool realNetdevs = false) =>
        SimulatedSriovNode.CreateAsync(folder, spec, new SimulatedNodeOptions { RealNetdevs = realNetdevs });

    /// <summary>A spec with one PF of the given shape.</summary>
    public static SimulatedNodeSpec OnePf(SimulatedPhysicalFunctionSpec pf, bool vfioIds = false) =>
        new() { PhysicalFunctions = [pf], VfioPciAcceptsDeviceIds = vfioIds };

    /// <summary>The sysfs inventory over the node's trees.</summary>
    public static SysfsPciDevices Devices(SimulatedSriovNode node, Action<PciOptions>? configure = null)
    {
        var options = node.CreatePciOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(5);
        options.BindTimeout = TimeSpan.FromSeconds(5);
        configure?.Invoke(options);
        return new SysfsPciDevices(Options.Create(options));
    }

    /// <summary><c>stat -c '%F %t %T'</c> of a path: file type and hex major/minor.</summary>
    public static string Stat(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%F %t %T", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    /// <summary>The physical path (<c>readlink -f</c>): sysfs-style relative links must resolve from the real folder.</summary>
    public static string RealPath(string path)
    {
        var start = new ProcessStartInfo("readlink", ["-f", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    /// <summary>Runs a shell command in another process (a writer outside this process).</summary>
    public static void Shell(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("sh", ["-c", command]))!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"sh -c '{command}' exited with {process.ExitCode}");
    }
}
