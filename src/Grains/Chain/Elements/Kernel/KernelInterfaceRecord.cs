using SriovForwarder.Kernel.Netlink.Addressing;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// What inject and the IP-context element applied for a KERNEL connection, persisted with the connection so that a
/// Close after a process restart can find the client namespace, the interface and the policy tables to undo.
/// </summary>
[GenerateSerializer, Alias("sriov.KernelInterfaceRecord")]
public sealed class KernelInterfaceRecord : IAppliedIpConfiguration
{
    /// <summary>The client namespace's URL as the mechanism gave it (a file URL or an absolute path).</summary>
    [Id(0)]
    public string NamespaceUrl { get; set; } = string.Empty;

    /// <summary>The nsfs inode of the client namespace when it was opened, to notice a different namespace at the same path.</summary>
    [Id(1)]
    public ulong NamespaceInode { get; set; }

    /// <summary>The interface's name inside the client namespace (the mechanism's <c>name</c>).</summary>
    [Id(2)]
    public string InterfaceName { get; set; } = string.Empty;

    /// <summary>The VF netdev's name in the host namespace, restored on Close.</summary>
    [Id(3)]
    public string OriginalName { get; set; } = string.Empty;

    /// <summary>The routing tables this connection's policy rules use in the client namespace.</summary>
    [Id(4)]
    public List<int> PolicyTables { get; set; } = [];

    /// <summary>What each policy table holds (rule and routes, as text), so a refresh keeps unchanged policies and removes dropped ones.</summary>
    [Id(5)]
    public Dictionary<int, string> PolicyKeys { get; set; } = [];

    /// <summary>The destinations of the main-table routes the IP context added, so a refresh removes the ones it no longer lists.</summary>
    [Id(6)]
    public List<string> RouteDestinations { get; set; } = [];

    /// <summary>The neighbour addresses the IP context set, so a refresh removes the ones it no longer lists.</summary>
    [Id(7)]
    public List<string> NeighbourAddresses { get; set; } = [];
}
