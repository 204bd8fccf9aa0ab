using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>rtnetlink operations in one network namespace; implemented by <see cref="RouteNetlink"/>, faked in chain tests.</summary>
public interface IRouteNetlink : IDisposable
{
    /// <summary>How the namespace is named in error messages.</summary>
    string Namespace { get; }

    /// <summary>Gets a link by name (ENODEV when missing).</summary>
    LinkInfo GetLink(string name);

    /// <summary>Gets a link by ifindex (ENODEV when missing).</summary>
    LinkInfo GetLink(int index);

    /// <summary>Gets a link by name, or null when missing.</summary>
    LinkInfo? FindLink(string name);

    /// <summary>Lists all links.</summary>
    IReadOnlyList<LinkInfo> ListLinks();

    /// <summary>Moves a link into <paramref name="target"/>.</summary>
    void MoveToNamespace(string name, INetworkNamespace target);

    /// <summary>Renames a link; set it down first (older kernels refuse while it is up).</summary>
    void Rename(string name, string newName);

    /// <summary>Sets the MTU.</summary>
    void SetMtu(string name, int mtu);

    /// <summary>Sets the link up.</summary>
    void SetUp(string name);

    /// <summary>Sets the link down.</summary>
    void SetDown(string name);

    /// <summary>Sets the link's MAC.</summary>
    void SetMac(string name, PhysicalAddress mac);

    /// <summary>Deletes a link.</summary>
    void DeleteLink(string name);

    /// <summary>Sets a VF's MAC through its PF.</summary>
    void SetVfMac(string pf, int vf, PhysicalAddress mac);

    /// <summary>Sets a VF's VLAN (0 clears) through its PF.</summary>
    void SetVfVlan(string pf, int vf, int vlan, int qos = 0);

    /// <summary>Reads a PF with its VF settings.</summary>
    LinkInfo GetVfs(string pf);

    /// <summary>Adds (or replaces) an address.</summary>
    void AddAddress(string link, IpPrefix address, AddressFlags flags = AddressFlags.Permanent, bool replace = true);

    /// <summary>Deletes an address.</summary>
    void DeleteAddress(string link, IpPrefix address);

    /// <summary>Lists addresses.</summary>
    IReadOnlyList<InterfaceAddress> ListAddresses(string? link = null, AddressFamily family = AddressFamily.Unspecified);

    /// <summary>Waits until the addresses are present and not tentative.</summary>
    Task WaitUntilUsableAsync(string link, IReadOnlyCollection<IpPrefix> addresses, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default);

    /// <summary>Adds (or replaces) a route out of a link.</summary>
    void AddRoute(string link, Route route, bool replace = true);

    /// <summary>Adds (or replaces) a route as given.</summary>
    void AddRoute(Route route, bool replace = true);

    /// <summary>Deletes a route.</summary>
    void DeleteRoute(Route route);

    /// <summary>Lists routes.</summary>
    IReadOnlyList<Route> ListRoutes(AddressFamily family, int? table = null);

    /// <summary>Adds a policy rule.</summary>
    void AddRule(PolicyRule rule);

    /// <summary>Deletes a policy rule.</summary>
    void DeleteRule(PolicyRule rule);

    /// <summary>Lists policy rules.</summary>
    IReadOnlyList<PolicyRule> ListRules(AddressFamily family);

    /// <summary>Adds or replaces a neighbour entry.</summary>
    void SetNeighbour(string link, IPAddress address, PhysicalAddress mac, NeighbourState state = NeighbourState.Reachable);

    /// <summary>Deletes a neighbour entry.</summary>
    void DeleteNeighbour(string link, IPAddress address);

    /// <summary>Lists neighbour entries.</summary>
    IReadOnlyList<Neighbour> ListNeighbours(string? link = null, AddressFamily family = AddressFamily.Unspecified);
}
