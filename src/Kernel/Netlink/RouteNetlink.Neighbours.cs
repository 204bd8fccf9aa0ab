using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink.Model;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Neighbour (ARP/NDP) operations.</summary>
public sealed partial class RouteNetlink
{
    /// <summary>Adds or replaces a neighbour entry on a link (<c>ip neigh replace</c>).</summary>
    public void SetNeighbour(string link, IPAddress address, PhysicalAddress mac, NeighbourState state = NeighbourState.Reachable)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(mac);
        lock (_gate)
        {
            var index = IndexOfLocked(link);
            RtnlRequests.Neighbour(_writer, Next(), add: true, index, address, mac, state);
            Execute(new NetlinkOperation(RtmNewNeigh, "set neighbour", address.ToString(), $"lladdr {mac} dev {link}"));
        }
    }

    /// <summary>Deletes a neighbour entry.</summary>
    public void DeleteNeighbour(string link, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            var index = IndexOfLocked(link);
            RtnlRequests.Neighbour(_writer, Next(), add: false, index, address, null, NeighbourState.None);
            Execute(new NetlinkOperation(RtmDelNeigh, "delete neighbour", address.ToString(), $"dev {link}"));
        }
    }

    /// <summary>Lists neighbour entries, of one link when given.</summary>
    public IReadOnlyList<Neighbour> ListNeighbours(string? link = null, AddressFamily family = AddressFamily.Unspecified)
    {
        var neighbours = new List<Neighbour>();
        lock (_gate)
        {
            var index = link is null ? 0 : IndexOfLocked(link);
            RtnlRequests.DumpNeighbours(_writer, Next(), family);
            Execute(new NetlinkOperation(RtmGetNeigh, "list neighbours of", link ?? "all links"), (type, payload) =>
            {
                if (type == RtmNewNeigh && RtnlReplies.Neighbour(payload) is { } neighbour && (index == 0 || neighbour.InterfaceIndex == index))
                {
                    neighbours.Add(neighbour);
                }
            });
        }

        return neighbours;
    }
}
