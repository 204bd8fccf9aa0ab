namespace SriovForwarder.Kernel.Simulation;

/// <summary>How a simulated node is built beyond its hardware shape.</summary>
public sealed record SimulatedNodeOptions
{
    /// <summary>Real veth netdevs: null = when running as root, true = required (fails otherwise), false = never.</summary>
    public bool? RealNetdevs { get; init; }

    /// <summary>File name of the SR-IOV config YAML written into the root folder.</summary>
    public string ConfigFileName { get; init; } = "sriov-config.yml";

    /// <summary>How long a kept node waits for the process that ran it before to finish exiting.</summary>
    public TimeSpan OwnerExitWait { get; init; } = TimeSpan.FromSeconds(5);
}
