using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>The process's kept host rtnetlink connections (decision 051) on real sockets; needs root for the veth.</summary>
[Trait("Requires", "root")]
public sealed class HostNetlinkPoolAsRootTests : IDisposable
{
    private readonly VethNamespace _env = new();
    private readonly CountingFactory _factory = new();

    public void Dispose() => _env.Dispose();

    [RootFact("creates network namespaces and veth pairs")]
    public async Task Use_ManyCallersAtOnce_EachGetsItsOwnAnswerAndAtMostKeepConnectionsStayOpen()
    {
        using var pool = new HostNetlinkPool(_factory, keep: 2);
        var loopback = pool.Use(host => host.GetLink("lo").Index);
        var veth = pool.Use(host => host.GetLink(_env.HostEnd).Index);

        // Replies carry sequence numbers per socket; two callers sharing one would read each other's answers.
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            var wanted = i % 2 == 0 ? "lo" : _env.HostEnd;
            return Enumerable.Range(0, 50).Select(_ => (wanted, pool.Use(host => host.GetLink(wanted).Index))).ToList();
        })));

        Assert.All(answers.SelectMany(a => a), a => Assert.Equal(a.wanted == "lo" ? loopback : veth, a.Item2));
        Assert.InRange(pool.Idle, 1, 2);
        Assert.Equal(_factory.Opened - pool.Idle, _factory.Disposed);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void Use_KernelRefusesThenNextCaller_SameSocketAnswersCorrectly()
    {
        using var pool = new HostNetlinkPool(_factory);

        var error = Assert.Throws<NetlinkException>(() => pool.Use(host => host.GetLink("nsm-missing0")));
        var link = pool.Use(host => host.GetLink(_env.HostEnd));

        Assert.True(error.IsLinkNotFound);
        Assert.Equal(_env.HostEnd, link.Name);
        Assert.Equal(1, _factory.Opened);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void Use_CallerFailsOtherThanByTheKernel_ConnectionIsDroppedAndTheNextCallerGetsAFreshOne()
    {
        using var pool = new HostNetlinkPool(_factory);

        Assert.Throws<InvalidOperationException>(() => pool.Use(_ => throw new InvalidOperationException("broken mid-call")));
        var index = pool.Use(host => host.GetLink("lo").Index);

        Assert.Equal(1, index);
        Assert.Equal(2, _factory.Opened);
        Assert.Equal(1, _factory.Disposed);
        Assert.Equal(1, pool.Idle);
    }

    [RootFact("creates network namespaces and veth pairs")]
    public void Use_AfterDispose_ThrowsAndClosesWhatWasKept()
    {
        var pool = new HostNetlinkPool(_factory);
        pool.Use(host => host.GetLink("lo"));

        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.Use(host => host.GetLink("lo")));
        Assert.Equal(1, _factory.Disposed);
    }

    // The real factory, counting what it opened and what was closed again.
    private sealed class CountingFactory : IRouteNetlinkFactory
    {
        private int _opened;
        private int _disposed;

        public int Opened => Volatile.Read(ref _opened);

        public int Disposed => Volatile.Read(ref _disposed);

        public IRouteNetlink OpenHost()
        {
            Interlocked.Increment(ref _opened);
#pragma warning disable CA2000 // Owned by the wrapper, which disposes it.
            return new Counted(RouteNetlink.Open(), this);
#pragma warning restore CA2000
        }

        public IRouteNetlink OpenIn(INetworkNamespace target) => throw new NotSupportedException();

        private sealed class Counted(RouteNetlink inner, CountingFactory owner) : IRouteNetlink
        {
            public string Namespace => inner.Namespace;

            public void Dispose()
            {
                Interlocked.Increment(ref owner._disposed);
                inner.Dispose();
            }

            public LinkInfo GetLink(string name) => inner.GetLink(name);

            public LinkInfo GetLink(int index) => inner.GetLink(index);

            public LinkInfo? FindLink(string name) => inner.FindLink(name);

            public IReadOnlyList<LinkInfo> ListLinks() => throw new NotSupportedException();

            public void MoveToNamespace(string name, INetworkNamespace target) => throw new NotSupportedException();

            public void Rename(string name, string newName) => throw new NotSupportedException();

            public void SetMtu(string name, int mtu) => throw new NotSupportedException();

            public void SetUp(string name) => throw new NotSupportedException();

            public void SetDown(string name) => throw new NotSupportedException();

            public void SetMac(string name, PhysicalAddress mac) => throw new NotSupportedException();

            public void DeleteLink(string name) => throw new NotSupportedException();

            public void SetVfMac(string pf, int vf, PhysicalAddress mac) => throw new NotSupportedException();

            public void SetVfVlan(string pf, int vf, int vlan, int qos = 0) => throw new NotSupportedException();

            public LinkInfo GetVfs(string pf) => throw new NotSupportedException();

            public void AddAddress(string link, IpPrefix address, AddressFlags flags = AddressFlags.Permanent, bool replace = true) => throw new NotSupportedException();

            public void DeleteAddress(string link, IpPrefix address) => throw new NotSupportedException();

            public IReadOnlyList<InterfaceAddress> ListAddresses(string? link = null, AddressFamily family = AddressFamily.Unspecified) =>
                throw new NotSupportedException();

            public Task WaitUntilUsableAsync(string link, IReadOnlyCollection<IpPrefix> addresses, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default) =>
                throw new NotSupportedException();

            public void AddRoute(string link, Route route, bool replace = true) => throw new NotSupportedException();

            public void AddRoute(Route route, bool replace = true) => throw new NotSupportedException();

            public void DeleteRoute(Route route) => throw new NotSupportedException();

            public IReadOnlyList<Route> ListRoutes(AddressFamily family, int? table = null) => throw new NotSupportedException();

            public void AddRule(PolicyRule rule) => throw new NotSupportedException();

            public void DeleteRule(PolicyRule rule) => throw new NotSupportedException();

            public IReadOnlyList<PolicyRule> ListRules(AddressFamily family) => throw new NotSupportedException();

            public void SetNeighbour(string link, IPAddress address, PhysicalAddress mac, NeighbourState state = NeighbourState.Reachable) =>
                throw new NotSupportedException();

            public void DeleteNeighbour(string link, IPAddress address) => throw new NotSupportedException();

            public IReadOnlyList<Neighbour> ListNeighbours(string? link = null, AddressFamily family = AddressFamily.Unspecified) =>
                throw new NotSupportedException();
        }
    }
}
