using System.Net;

namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>A unicast route: destination prefix, optional gateway, scope, table and output interface.</summary>
/// <param name="Destination">The destination prefix (host bits are cleared when sent).</param>
public sealed record Route(IpPrefix Destination)
{
    /// <summary>The main table (RT_TABLE_MAIN).</summary>
    public const int MainTable = 254;

    /// <summary>The next hop, if any.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>RTNH_F_ONLINK: treat the gateway as on-link even without a matching connected route.</summary>
    public bool OnLink { get; init; }

    /// <summary>The route scope; <see cref="RouteScope.Link"/> for directly connected destinations.</summary>
    public RouteScope Scope { get; init; } = RouteScope.Universe;

    /// <summary>The routing table id (1..2^32-1; 254 is main).</summary>
    public int Table { get; init; } = MainTable;

    /// <summary>The output interface index (RTA_OIF), 0 for none.</summary>
    public int InterfaceIndex { get; init; }

    /// <summary>The route metric (RTA_PRIORITY), if set.</summary>
    public int? Metric { get; init; }
}
