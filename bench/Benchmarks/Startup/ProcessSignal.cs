using System.Diagnostics;
using System.Globalization;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>SIGTERM, as Kubernetes stops a pod, so the forwarder removes its simulated node on the way out.</summary>
public static class ProcessSignal
{
    public static void Terminate(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
