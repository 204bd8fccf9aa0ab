using System.Net;
using System.Net.NetworkInformation;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Netlink.Addressing;

/// <summary>The addresses, routes, policies, neighbours and MTU one interface should have, as kernel objects.</summary>
/// <param name="Addresses">The interface's own addresses.</param>
/// <param name="Routes">Main-table routes out of the interface.</param>
/// <param name="Policies">Policy rules, each with the routes of its own table.</param>
/// <param name="Neighbours">Static neighbour entries.</param>
/// <param name="Mtu">The MTU, or 0 to leave it.</param>
public sealed record IpConfiguration(
    IReadOnlyList<IpPrefix> Addresses,
    IReadOnlyList<Route> Routes,
    IReadOnlyList<IpPolicy> Policies,
    IReadOnlyList<(IPAddress Address, PhysicalAddress Mac)> Neighbours,
    int Mtu);
