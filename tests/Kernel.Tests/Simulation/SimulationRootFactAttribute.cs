namespace SriovForwarder.Kernel.Tests.Simulation;

/// <summary>A fact that needs root: it creates network namespaces and veths for the simulated netdevs.</summary>
public sealed class SimulationRootFactAttribute : FactAttribute
{
    /// <summary>Sets Skip when the process is not root or iproute2 is missing.</summary>
    public SimulationRootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root: creates network namespaces and veth pairs";
        }
        else if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            Skip = "needs the ip command (iproute2)";
        }
    }
}
