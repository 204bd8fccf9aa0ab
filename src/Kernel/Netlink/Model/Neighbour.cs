using System.Net;
using System.Net.NetworkInformation;

namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>An ARP/NDP neighbour entry.</summary>
/// <param name="InterfaceIndex">The ifindex it is on.</param>
/// <param name="Address">The neighbour's IP address.</param>
/// <param name="LinkAddress">Its MAC, when known.</param>
/// <param name="State">NUD state.</param>
public sealed record Neighbour(int InterfaceIndex, IPAddress Address, PhysicalAddress? LinkAddress, NeighbourState State);
