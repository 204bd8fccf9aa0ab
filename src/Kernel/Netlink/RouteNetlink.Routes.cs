using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink.Model;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Route operations.</summary>
public sealed partial class RouteNetlink
{
    /// <summary>Adds a route out of <paramref name="link"/>; replace (the default) makes it idempotent like upstream's RouteReplace.</summary>
    public void AddRoute(string link, Route route, bool replace = true)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_gate)
        {
            var index = IndexOfLocked(link);
            AddRouteLocked(route with { InterfaceIndex = index }, replace, link);
        }
    }

    /// <summary>Adds a route as given (its <see cref="Route.InterfaceIndex"/> is used as RTA_OIF when non-zero).</summary>
    public void AddRoute(Route route, bool replace = true)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_gate)
        {
            AddRouteLocked(route, replace, route.InterfaceIndex == 0 ? "any link" : $"ifindex {route.InterfaceIndex}");
        }
    }

    /// <summary>Deletes a route; the kernel matches the given destination, table and, when set, gateway and interface.</summary>
    /// <exception cref="NetlinkException">ESRCH when no such route exists.</exception>
    public void DeleteRoute(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_gate)
        {
            RtnlRequests.Route(_writer, Next(), add: false, replace: false, route);
            Execute(new NetlinkOperation(RtmDelRoute, "delete route", route.Destination.Network.ToString(), $"table {route.Table}"));
        }
    }

    /// <summary>Lists routes of a family (IPv4 or IPv6), of one table when <paramref name="table"/> is given.</summary>
    public IReadOnlyList<Route> ListRoutes(AddressFamily family, int? table = null)
    {
        var routes = new List<Route>();
        lock (_gate)
        {
            RtnlRequests.DumpRoutes(_writer, Next(), family);
            Execute(new NetlinkOperation(RtmGetRoute, "list", "routes"), (type, payload) =>
            {
                if (type == RtmNewRoute && RtnlReplies.Route(payload) is { } route && (table is null || route.Table == table))
                {
                    routes.Add(route);
                }
            });
        }

        return routes;
    }

    private void AddRouteLocked(Route route, bool replace, string link)
    {
        if (route.Gateway is { } gateway && gateway.AddressFamily != route.Destination.Family)
        {
            throw new ArgumentException($"route {route.Destination} via {gateway}: gateway family differs from destination family", nameof(route));
        }

        RtnlRequests.Route(_writer, Next(), add: true, replace, route);
        var detail = route.Gateway is null ? $"dev {link} table {route.Table}" : $"via {route.Gateway} dev {link} table {route.Table}";
        Execute(new NetlinkOperation(RtmNewRoute, "add route", route.Destination.Network.ToString(), detail));
    }
}
