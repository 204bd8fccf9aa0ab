namespace SriovForwarder.Kernel.Health;

/// <summary>What rtnetlink says of one netdev: administratively up (IFF_UP), carrier (IFF_LOWER_UP / IFLA_CARRIER), operstate, or removed.</summary>
/// <param name="Index">The interface index.</param>
/// <param name="Name">The netdev name (IFLA_IFNAME).</param>
/// <param name="AdminUp">IFF_UP: someone set it up.</param>
/// <param name="Carrier">The physical link is there (IFF_LOWER_UP, or IFLA_CARRIER when the flag is absent).</param>
/// <param name="OperState">RFC 2863 operstate as the kernel names it (<c>up</c>, <c>down</c>, <c>lowerlayerdown</c>...).</param>
/// <param name="Removed">An RTM_DELLINK: the netdev is gone from the namespace.</param>
public sealed record LinkState(int Index, string Name, bool AdminUp, bool Carrier, string OperState, bool Removed = false)
{
    /// <summary>Whether traffic can pass: present, set up and with carrier.</summary>
    public bool IsUsable => !Removed && AdminUp && Carrier;

    /// <summary>Why the link cannot carry traffic (null when it can), in the words an operator checks with <c>ip link</c>.</summary>
    public string? Fault =>
        Removed ? $"netdev {Name} is gone"
        : !AdminUp ? $"netdev {Name} is administratively down"
        : !Carrier ? $"netdev {Name} has no carrier (operstate {OperState})"
        : null;
}
