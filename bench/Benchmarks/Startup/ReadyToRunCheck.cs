using System.Reflection.PortableExecutable;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>
/// Whether the measured executable's main assembly carries ReadyToRun code (decisions 018, 041): a plain <c>dotnet build</c>
/// output JIT-compiles our and the packages' code (20–30 % more CPU at start), so the report names which build it measured.
/// </summary>
public static class ReadyToRunCheck
{
    /// <summary>"ReadyToRun" or "JIT only" for <c>EXE.dll</c> beside the apphost (or the file itself when it is a .dll).</summary>
    public static string Describe(string executable)
    {
        ArgumentNullException.ThrowIfNull(executable);
        var assembly = executable.EndsWith(".dll", StringComparison.Ordinal) ? executable : executable + ".dll";
        if (!File.Exists(assembly))
        {
            return $"unknown ({assembly} not found)";
        }

        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        // Crossgen2 output has a managed-native (ReadyToRun) header; IL-only assemblies have none.
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0 ? "ReadyToRun" : "JIT only";
    }
}
