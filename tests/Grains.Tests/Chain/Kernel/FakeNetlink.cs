using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>
/// rtnetlink in memory for element tests: links by name per namespace ("host" for the host handle of
/// <see cref="FakeNetworkNamespaces"/>, "client" for any other), every change written to a shared journal; an operation
/// named in <see cref="FailOn"/> throws like the kernel would (EBUSY). A closed namespace handle cannot be used, as on the kernel.
/// </summary>
internal sealed class FakeNetlink : IRouteNetlinkFactory
{
    public List<string> Journal { get; } = [];

    public Dictionary<string, HashSet<string>> Links { get; } = new() { ["host"] = [], ["client"] = [] };

    public HashSet<string> FailOn { get; } = [];

    /// <summary>The link kind of virtual links (e.g. veth), by name; links not listed are hardware netdevs.</summary>
    public Dictionary<string, string> Kinds { get; } = [];

    /// <summary>How many connections were opened inside a client namespace, and how many of them are not disposed.</summary>
    public (int Opened, int Open) ClientConnections { get; private set; }

    /// <summary>How many connections were opened in the host namespace.</summary>
    public int HostConnectionsOpened { get; private set; }

    public IRouteNetlink OpenHost()
    {
        HostConnectionsOpened++;
        return new Connection(this, "host");
    }

    public IRouteNetlink OpenIn(INetworkNamespace target)
    {
        var ns = NameOf(target);
        if (ns == "client")
        {
            ClientConnections = (ClientConnections.Opened + 1, ClientConnections.Open + 1);
        }

        return new Connection(this, ns);
    }

    private static string NameOf(INetworkNamespace target)
    {
        ObjectDisposedException.ThrowIf(target.IsClosed, target);
        return target.Url == FakeNetworkNamespaces.HostUrl ? "host" : "client";
    }

    private sealed class Connection(FakeNetlink fake, string ns) : IRouteNetlink
    {
        public string Namespace => ns;

        public LinkInfo GetLink(string name) => FindLink(name) ?? throw new NetlinkException($"get {name}", ns, Errno.ENoDev);

        public LinkInfo GetLink(int index) => throw new NotSupportedException();

        public LinkInfo? FindLink(string name) =>
            fake.Links[ns].Contains(name) ? new LinkInfo(1, name, false, 1500, null, fake.Kinds.GetValueOrDefault(name), 0, null, []) : null;

        public IReadOnlyList<LinkInfo> ListLinks() => [.. fake.Links[ns].Select(n => FindLink(n)!)];

        public void MoveToNamespace(string name, INetworkNamespace target)
        {
            var to = NameOf(target);
            Do($"move {name} from {ns} to {to}");
            if (!fake.Links[ns].Remove(name))
            {
                throw new NetlinkException($"move {name}", ns, Errno.ENoDev);
            }

            fake.Links[to].Add(name);
        }

        public void Rename(string name, string newName)
        {
            Do($"rename {name} {newName} in {ns}");
            if (!fake.Links[ns].Remove(name))
            {
                throw new NetlinkException($"rename {name}", ns, Errno.ENoDev);
            }

            fake.Links[ns].Add(newName);
        }

        public void SetMtu(string name, int mtu) => Do($"mtu {name} {mtu}");

        public void SetUp(string name) => Do($"up {name}");

        public void SetDown(string name) => Do($"down {name}");

        public void SetMac(string name, PhysicalAddress mac) => Do($"mac {name} {mac}");

        public void DeleteLink(string name) => Do($"delete {name}");

        public void SetVfMac(string pf, int vf, PhysicalAddress mac) => Do($"vf mac {pf} {vf} {mac}");

        public void SetVfVlan(string pf, int vf, int vlan, int qos = 0) => Do($"vf vlan {pf} {vf} {vlan}");

        public LinkInfo GetVfs(string pf) => throw new NotSupportedException();

        public void AddAddress(string link, IpPrefix address, AddressFlags flags = AddressFlags.Permanent, bool replace = true) =>
            Do($"address {link} {address}");

        public void DeleteAddress(string link, IpPrefix address) => Do($"delete address {link} {address}");

        public IReadOnlyList<InterfaceAddress> ListAddresses(string? link = null, AddressFamily family = AddressFamily.Unspecified) => [];

        public Task WaitUntilUsableAsync(string link, IReadOnlyCollection<IpPrefix> addresses, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default)
        {
            Do($"wait {link} {addresses.Count}");
            return Task.CompletedTask;
        }

        public void AddRoute(string link, Route route, bool replace = true) =>
            Do($"route {link} {route.Destination} via {route.Gateway?.ToString() ?? "-"} onlink={route.OnLink} scope={route.Scope} table={route.Table}");

        public void AddRoute(Route route, bool replace = true) => throw new NotSupportedException();

        public void DeleteRoute(Route route) => Do($"delete route {route.Destination} table={route.Table}");

        public IReadOnlyList<Route> ListRoutes(AddressFamily family, int? table = null) => [];

        public void AddRule(PolicyRule rule) => Do($"rule from {rule.Source} proto {rule.IpProtocol} dport {rule.DestinationPorts} table={rule.Table}");

        public void DeleteRule(PolicyRule rule) => Do($"delete rule table={rule.Table}");

        public IReadOnlyList<PolicyRule> ListRules(AddressFamily family) => [];

        public void SetNeighbour(string link, IPAddress address, PhysicalAddress mac, NeighbourState state = NeighbourState.Reachable) =>
            Do($"neighbour {link} {address} {mac}");

        public void DeleteNeighbour(string link, IPAddress address) => throw new NotSupportedException();

        public IReadOnlyList<Neighbour> ListNeighbours(string? link = null, AddressFamily family = AddressFamily.Unspecified) => [];

        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed && ns == "client")
            {
                fake.ClientConnections = (fake.ClientConnections.Opened, fake.ClientConnections.Open - 1);
            }

            _disposed = true;
        }

        private void Do(string what)
        {
            var operation = what.Split(' ')[0];
            if (fake.FailOn.Contains(operation))
            {
                throw new NetlinkException(what, ns, 16);
            }

            fake.Journal.Add(what);
        }
    }
}
