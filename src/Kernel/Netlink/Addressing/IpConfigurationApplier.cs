using System.Net.Sockets;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Netlink.Addressing;

/// <summary>
/// Applies an <see cref="IpConfiguration"/> to one interface inside a namespace in upstream's order (ping_group_range,
/// addresses then wait until usable, routes, policy rules, neighbours, MTU), as a difference against what
/// <see cref="IAppliedIpConfiguration"/> says was applied before: addresses, routes and neighbours no longer listed are
/// removed, unchanged policies keep their table, dropped ones are removed.
/// </summary>
public sealed class IpConfigurationApplier(INetworkNamespaces netns, TimeProvider time)
{
    /// <summary>How long added addresses may stay tentative (upstream's listener gives up after about a second).</summary>
    public static readonly TimeSpan UsableTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Applies <paramref name="wanted"/> to <paramref name="name"/> through <paramref name="inside"/> (a connection in <paramref name="client"/>).</summary>
    public async Task ApplyAsync(
        IpConfiguration wanted, INetworkNamespace client, IRouteNetlink inside, string name, IAppliedIpConfiguration applied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(inside);
        ArgumentNullException.ThrowIfNull(applied);
        netns.WriteSysctl(client, "net/ipv4/ping_group_range", "0 2147483647");
        if (wanted.Addresses.Count > 0)
        {
            inside.SetUp(name);
            if (wanted.Addresses.Any(a => a.Family == AddressFamily.InterNetworkV6))
            {
                netns.WriteSysctl(client, $"net/ipv6/conf/{name}/disable_ipv6", "0");
            }

            var current = inside.ListAddresses(name).Where(a => a.Scope == RouteScope.Universe).Select(a => a.Prefix).ToList();
            foreach (var stale in current.Where(c => !wanted.Addresses.Contains(c)))
            {
                inside.DeleteAddress(name, stale);
            }

            var added = wanted.Addresses.Where(a => !current.Contains(a)).ToList();
            foreach (var address in added)
            {
                inside.AddAddress(name, address, address.Family == AddressFamily.InterNetworkV6 ? AddressFlags.Permanent | AddressFlags.NoDad : AddressFlags.Permanent);
            }

            await inside.WaitUntilUsableAsync(name, added, UsableTimeout, time, cancellationToken);
        }

        if (wanted.Routes.Count > 0)
        {
            inside.SetUp(name);
            foreach (var route in wanted.Routes)
            {
                inside.AddRoute(name, route);
            }
        }

        RemoveDroppedRoutes(inside, name, wanted, applied);
        IpPolicyTables.Apply(inside, name, wanted.Policies, applied);
        RemoveDroppedNeighbours(inside, name, wanted, applied);
        foreach (var (address, mac) in wanted.Neighbours)
        {
            inside.SetNeighbour(name, address, mac);
        }

        applied.NeighbourAddresses = [.. wanted.Neighbours.Select(n => n.Address.ToString())];

        if (wanted.Mtu > 0)
        {
            inside.SetUp(name);
            inside.SetMtu(name, wanted.Mtu);
        }
    }

    private static void RemoveDroppedRoutes(IRouteNetlink inside, string name, IpConfiguration wanted, IAppliedIpConfiguration applied)
    {
        var destinations = wanted.Routes.Select(r => r.Destination.Network.ToString()).ToHashSet(StringComparer.Ordinal);
        var dropped = applied.RouteDestinations.Where(d => !destinations.Contains(d)).ToHashSet(StringComparer.Ordinal);
        if (dropped.Count > 0)
        {
            var index = inside.GetLink(name).Index;
            foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
            {
                foreach (var route in inside.ListRoutes(family, Route.MainTable)
                    .Where(r => r.InterfaceIndex == index && dropped.Contains(r.Destination.Network.ToString())))
                {
                    inside.DeleteRoute(route);
                }
            }
        }

        applied.RouteDestinations = [.. destinations];
    }

    private static void RemoveDroppedNeighbours(IRouteNetlink inside, string name, IpConfiguration wanted, IAppliedIpConfiguration applied)
    {
        var addresses = wanted.Neighbours.Select(n => n.Address.ToString()).ToHashSet(StringComparer.Ordinal);
        var dropped = applied.NeighbourAddresses.Where(a => !addresses.Contains(a)).ToList();
        if (dropped.Count == 0)
        {
            return;
        }

        var present = inside.ListNeighbours(name).Select(n => n.Address.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var address in dropped.Where(present.Contains))
        {
            inside.DeleteNeighbour(name, System.Net.IPAddress.Parse(address));
        }
    }
}
