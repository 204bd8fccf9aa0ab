using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.Netlink.Addressing;
using SriovForwarder.Kernel.Netlink.Model;
using Route = SriovForwarder.Kernel.Netlink.Model.Route;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// The returned connection context turned into kernel objects for the client-side end (the <c>src</c> fields), all
/// parsed before anything is applied so malformed input fails naming the field and value and changes nothing.
/// Unlike upstream, unparsable addresses are refused rather than silently skipped.
/// </summary>
internal static class IpContextPlan
{
    public static IpConfiguration From(ConnectionContext? context)
    {
        var ip = context?.IpContext ?? new IPContext();
        var addresses = ip.SrcIpAddrs.Select((a, i) => Prefix(a, $"ip_context.src_ip_addrs[{i}]")).ToList();
        var destinations = ip.DstIpAddrs.Select((a, i) => Prefix(a, $"ip_context.dst_ip_addrs[{i}]")).ToList();
        var routes = new List<Route>();

        // Destinations outside every source prefix are reached directly on the link (upstream's link-scope routes).
        foreach (var dst in destinations.Where(d => !addresses.Any(a => a.Family == d.Family && a.Contains(d.Address))))
        {
            routes.Add(new Route(dst.Network) { Scope = RouteScope.Link });
        }

        for (var i = 0; i < ip.SrcRoutes.Count; i++)
        {
            routes.Add(SourceRoute(ip.SrcRoutes[i], destinations, $"ip_context.src_routes[{i}]"));
        }

        var policies = ip.Policies.Select((p, i) => ToPolicy(p, $"ip_context.policies[{i}]")).ToList();
        var neighbours = ip.IpNeighbors.Select((n, i) => Neighbour(n, $"ip_context.ip_neighbors[{i}]")).ToList();
        return new IpConfiguration(addresses, routes, policies, neighbours, (int)(context?.MTU ?? 0));
    }

    private static Route SourceRoute(Api.Nsm.ConnectionContext.Route route, List<IpPrefix> destinations, string field)
    {
        var prefix = Prefix(route.Prefix, field + ".prefix");
        IPAddress? gateway = null;
        if (!string.IsNullOrEmpty(route.NextHop))
        {
            gateway = Address(route.NextHop, field + ".nextHop");
        }
        else if (!destinations.Any(d => d.Family == prefix.Family && d.Contains(prefix.Address)))
        {
            // Upstream: without a next hop, the first destination address of the same family is the gateway.
            gateway = destinations.FirstOrDefault(d => d.Family == prefix.Family).Address;
        }

        return new Route(prefix.Network) { Gateway = gateway, OnLink = gateway is not null };
    }

    private static IpPolicy ToPolicy(PolicyRoute policy, string field)
    {
        IpPrefix? from = string.IsNullOrEmpty(policy.From) ? null : Prefix(policy.From, field + ".from");
        byte? proto = null;
        if (!string.IsNullOrEmpty(policy.Proto))
        {
            proto = byte.TryParse(policy.Proto, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                ? p
                : throw ForwarderException.Invalid($"failed to parse ip protocol number: {field}.proto '{policy.Proto}' is not 0..255");
        }

        var family = from?.Family ?? AddressFamily.InterNetwork;
        var routes = policy.Routes.Count == 0
            ? [new Route(new IpPrefix(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0))]
            : policy.Routes.Select((r, i) => ToPolicyRoute(r, $"{field}.routes[{i}]")).ToList();
        var rule = new PolicyRule(family, 0)
        {
            Source = from,
            IpProtocol = proto,
            DestinationPorts = Ports(policy.DstPort, field + ".dst_port"),
            SourcePorts = Ports(policy.SrcPort, field + ".src_port"),
        };
        return new IpPolicy(rule, routes);
    }

    private static Route ToPolicyRoute(Api.Nsm.ConnectionContext.Route route, string field)
    {
        var prefix = Prefix(route.Prefix, field + ".prefix");
        var gateway = string.IsNullOrEmpty(route.NextHop) ? null : Address(route.NextHop, field + ".nextHop");
        return new Route(prefix.Network) { Gateway = gateway, OnLink = gateway is not null };
    }

    private static PortRange? Ports(string text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return PortRange.Parse(text);
        }
        catch (FormatException ex)
        {
            throw ForwarderException.Invalid($"{field}: {ex.Message}");
        }
    }

    private static (IPAddress, PhysicalAddress) Neighbour(IpNeighbor neighbour, string field)
    {
        var address = Address(neighbour.Ip, field + ".ip");
        var parts = neighbour.HardwareAddress.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !p.All(char.IsAsciiHexDigit)))
        {
            throw ForwarderException.Invalid($"invalid neighbor MAC address: {field}.hardware_address '{neighbour.HardwareAddress}'");
        }

        return (address, PhysicalAddress.Parse(neighbour.HardwareAddress.Replace(':', '-')));
    }

    private static IpPrefix Prefix(string text, string field) => IpPrefix.TryParse(text, out var prefix)
        ? prefix
        : throw ForwarderException.Invalid($"{field} '{text}' is not an IP address or prefix (expected e.g. 10.0.0.1/24 or fd00::1/64)");

    private static IPAddress Address(string text, string field) => IpPrefix.TryParse(text, out var prefix) && prefix.PrefixLength == (prefix.Family == AddressFamily.InterNetwork ? 32 : 128)
        ? prefix.Address
        : throw ForwarderException.Invalid($"{field} '{text}' is not an IP address");
}
