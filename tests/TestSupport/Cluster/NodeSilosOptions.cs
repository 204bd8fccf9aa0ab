using Orleans.Hosting;

namespace SriovForwarder.TestSupport.Cluster;

/// <summary>What a fixture asks of <see cref="NodeSilos"/>: its nodes, whether they are simulated, and its own registrations.</summary>
public sealed class NodeSilosOptions
{
    /// <summary>The node names, one silo each, in silo order.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [NodeSilos.NodeName(0)];

    /// <summary>The simulated node spec each silo runs on (e.g. <c>pfs=2,vfs=4</c>); null for none, when the fixture registers its own VF pool.</summary>
    public string? SimulatedNode { get; init; }

    /// <summary>Whether the simulated VFs get real veth netdevs (root only).</summary>
    public bool RealNetdevs { get; init; }

    /// <summary>The fixture's own registrations (fakes, chain, clients), run for every silo after the common ones.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; init; }
}
