using System.Net.Sockets;

namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>A routing policy rule that sends matching traffic to a table (<c>ip rule ... lookup N</c>).</summary>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="Table">The table to look up.</param>
public sealed record PolicyRule(AddressFamily Family, int Table)
{
    /// <summary>Match on source prefix (<c>from</c>).</summary>
    public IpPrefix? Source { get; init; }

    /// <summary>Match on destination prefix (<c>to</c>).</summary>
    public IpPrefix? Destination { get; init; }

    /// <summary>Match on IP protocol number (<c>ipproto</c>), e.g. 6 for TCP.</summary>
    public byte? IpProtocol { get; init; }

    /// <summary>Match on source port range (<c>sport</c>).</summary>
    public PortRange? SourcePorts { get; init; }

    /// <summary>Match on destination port range (<c>dport</c>).</summary>
    public PortRange? DestinationPorts { get; init; }

    /// <summary>The rule priority (<c>pref</c>); the kernel picks one when absent.</summary>
    public int? Priority { get; init; }
}
