namespace SriovForwarder.Kernel.Netlink.Addressing;

/// <summary>
/// What <see cref="IpConfigurationApplier"/> applied to an interface, kept by the caller (persisted with the connection)
/// so the next apply removes only what it added and a close after a restart finds the policy tables.
/// </summary>
public interface IAppliedIpConfiguration
{
    /// <summary>The routing tables the policy rules use.</summary>
    List<int> PolicyTables { get; }

    /// <summary>What each policy table holds (rule and routes, as text), so unchanged policies keep their table.</summary>
    Dictionary<int, string> PolicyKeys { get; }

    /// <summary>The destinations of the main-table routes added.</summary>
    List<string> RouteDestinations { get; set; }

    /// <summary>The neighbour addresses set.</summary>
    List<string> NeighbourAddresses { get; set; }
}
