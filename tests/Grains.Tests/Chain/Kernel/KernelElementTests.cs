using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Chain.Elements.Kernel;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Tests.Chain.Kernel;

/// <summary>
/// Inject and IP-context elements over in-memory netlink and namespaces, without root; the same elements run against
/// real namespaces and veths in <see cref="KernelConnectionTests"/>.
/// </summary>
public sealed class KernelElementTests : IDisposable
{
    private const string Vf = "enp1s2f3";
    private const string ClientUrl = "file:///var/run/netns/kmc-client";
    private const ulong ClientInode = 4026532999;
    private readonly FakeNetworkNamespaces _netns = new();
    private readonly FakeNetlink _netlink = new();
    private KernelNamespaces _handles;
    private readonly List<string> _journal;

    public KernelElementTests()
    {
        _netns.Add(ClientUrl, ClientInode);
        _netlink.Links["host"].Add(Vf);
        _journal = _netlink.Journal;
        _handles = new KernelNamespaces(_netns, _netlink);
    }

    public void Dispose() => _handles.Dispose();

    [Fact]
    public async Task InjectRequest_MovesDownRenamesSetsMtuUpThenCallsNextAndRecordsIt()
    {
        var context = ContextWithVf();

        await Inject().RequestAsync(Request(), context, new Next(_journal));

        Assert.Equal([$"move {Vf} from host to client", $"down {Vf}", $"rename {Vf} nsm-1 in client", "mtu nsm-1 1400", "up nsm-1", "next:request"], _journal);
        Assert.Equal(["nsm-1"], _netlink.Links["client"]);
        Assert.DoesNotContain(Vf, _netlink.Links["host"]);
        var record = context.State.Kernel!;
        Assert.Equal((ClientUrl, ClientInode, "nsm-1", Vf), (record.NamespaceUrl, record.NamespaceInode, record.InterfaceName, record.OriginalName));
        Assert.Equal(1, _handles.Count);
    }

    [Fact]
    public async Task InjectRequest_ClientNamespaceMissing_FailsNamingInodeUrlAndNothingMoves()
    {
        var context = ContextWithVf();
        var request = Request();
        request.MechanismPreferences[0].Parameters["inodeURL"] = "file:///var/run/netns/kmc-missing";
        request.Connection.Mechanism = request.MechanismPreferences[0].Clone();

        var error = await Assert.ThrowsAsync<ForwarderException>(() => Inject().RequestAsync(request, context, new Next(_journal)));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Equal("KERNEL mechanism parameter inodeURL: cannot open network namespace 'file:///var/run/netns/kmc-missing': file 'file:///var/run/netns/kmc-missing' does not exist", error.Message);
        Assert.Empty(_journal);
        Assert.Null(context.State.Kernel);
    }

    [Fact]
    public async Task InjectRequest_NameTakenByAVirtualLinkInTheClient_FailsAndLeavesTheClientsLinkAlone()
    {
        _netlink.Links["client"].Add("nsm-1");
        _netlink.Kinds["nsm-1"] = "veth";
        var context = ContextWithVf();

        var error = await Assert.ThrowsAsync<ForwarderException>(() => Inject().RequestAsync(Request(), context, new Next(_journal)));

        Assert.StartsWith($"KERNEL mechanism parameter name: interface nsm-1 already exists in the client namespace {ClientUrl} (a veth link", error.Message, StringComparison.Ordinal);
        Assert.Empty(_journal);
        Assert.Contains(Vf, _netlink.Links["host"]);
        Assert.Null(context.State.Kernel);
        Assert.All(_netns.Opened.Where(h => h.Url == ClientUrl), h => Assert.True(h.IsClosed));
    }

    [Fact]
    public async Task InjectClose_MovesTheVfBackToTheHostUnderItsOriginalNameAndReleasesTheHandle()
    {
        var context = ContextWithVf();
        await Inject().RequestAsync(Request(), context, new Next(_journal));
        _journal.Clear();

        await Inject().CloseAsync(new Connection(), context, new Next(_journal));

        Assert.Equal(["down nsm-1", $"rename nsm-1 {Vf} in client", $"move {Vf} from client to host", "next:close"], _journal);
        Assert.Contains(Vf, _netlink.Links["host"]);
        Assert.Empty(_netlink.Links["client"]);
        Assert.Null(context.State.Kernel);
        Assert.Equal(0, _handles.Count);
        Assert.All(_netns.Opened.Where(h => h.Url == ClientUrl), h => Assert.True(h.IsClosed));
    }

    [Fact]
    public async Task InjectClose_AfterRestartWithTheNamespaceNameDeleted_FindsTheNamespaceByInodeAndMovesTheVfBack()
    {
        var context = ContextWithVf();
        await Inject().RequestAsync(Request(), context, new Next(_journal));
        _handles.Dispose();
        _handles = new KernelNamespaces(_netns, _netlink);
        _netns.Remove(ClientUrl);
        _netns.Add("/proc/4242/ns/net", ClientInode);
        _journal.Clear();

        await Inject().CloseAsync(new Connection(), context, new Next(_journal));

        Assert.Equal(["down nsm-1", $"rename nsm-1 {Vf} in client", $"move {Vf} from client to host", "next:close"], _journal);
        Assert.Contains(Vf, _netlink.Links["host"]);
    }

    [Fact]
    public async Task InjectRequest_NextFails_MovesTheVfBackUnderItsNameAndForgetsTheRecord()
    {
        var context = ContextWithVf();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Inject().RequestAsync(Request(), context, new Next(_journal, fail: true)));

        Assert.Equal(["down nsm-1", "rename nsm-1 enp1s2f3 in client", $"move {Vf} from client to host"], _journal[^3..]);
        Assert.Contains(Vf, _netlink.Links["host"]);
        Assert.Empty(_netlink.Links["client"]);
        Assert.Null(context.State.Kernel);
        Assert.Equal(0, _handles.Count);
    }

    [Fact]
    public async Task InjectRequest_RenameFails_FailsNamingTheStepAndMovesTheVfBackWithoutCallingNext()
    {
        _netlink.FailOn.Add("rename");
        var context = ContextWithVf();

        var error = await Assert.ThrowsAsync<ForwarderException>(() => Inject().RequestAsync(Request(), context, new Next(_journal)));

        Assert.StartsWith($"failed to rename {Vf} to nsm-1 in {ClientUrl}: rename {Vf} nsm-1 in client in netns client failed: EBUSY", error.Message, StringComparison.Ordinal);
        Assert.Equal([$"move {Vf} from host to client", $"down {Vf}", $"down {Vf}", $"move {Vf} from client to host"], _journal);
        Assert.Contains(Vf, _netlink.Links["host"]);
        Assert.Null(context.State.Kernel);
    }

    [Fact]
    public async Task InjectClose_MoveBackFails_StillClosesTheRestOfTheChain()
    {
        var context = ContextWithVf();
        await Inject().RequestAsync(Request(), context, new Next(_journal));
        _netlink.FailOn.Add("rename");

        await Inject().CloseAsync(new Connection(), context, new Next(_journal));

        // Bug #17: upstream returned the error here and never closed the next hop.
        Assert.Equal("next:close", _journal[^1]);
        Assert.Null(context.State.Kernel);
    }

    [Fact]
    public async Task InjectRequestAndClose_TwoConnectionsInTurn_UseOneKeptHostConnection()
    {
        // Decision 051: the host side runs on the process's kept connections, not a socket per operation.
        var first = ContextWithVf();
        await Inject().RequestAsync(Request(), first, new Next(_journal));
        await Inject().CloseAsync(new Connection(), first, new Next(_journal));
        var second = ContextWithVf();
        await Inject().RequestAsync(Request(), second, new Next(_journal));
        await Inject().CloseAsync(new Connection(), second, new Next(_journal));

        Assert.Equal(1, _netlink.HostConnectionsOpened);
        Assert.Equal(1, _handles.Host.Idle);
        Assert.Contains(Vf, _netlink.Links["host"]);
        Assert.Empty(_netlink.Links["client"]);
    }

    [Fact]
    public async Task InjectClose_AfterRestartWithTheVfAlreadyBackInTheHost_LeavesTheClientsSameNamedLinkAlone()
    {
        // Without the socket this process kept since the move in, Close asks the host first: here the VF is back already
        // (the process died after moving it back) and a same-named link in the client is someone else's.
        var context = ContextWithVf();
        await Inject().RequestAsync(Request(), context, new Next(_journal));
        _netlink.Links["client"].Remove("nsm-1");
        _netlink.Links["host"].Add(Vf);
        _netlink.Links["client"].Add("nsm-1");
        _handles.Dispose();
        _handles = new KernelNamespaces(_netns, _netlink);
        _journal.Clear();

        await Inject().CloseAsync(new Connection(), context, new Next(_journal));

        Assert.Equal(["next:close"], _journal);
        Assert.Contains("nsm-1", _netlink.Links["client"]);
        Assert.Null(context.State.Kernel);
    }

    [Fact]
    public async Task InjectRequest_MoveFailsInTheKernel_NothingMovedAndTheHostConnectionIsKept()
    {
        _netlink.FailOn.Add("move");
        var context = ContextWithVf();

        await Assert.ThrowsAsync<ForwarderException>(() => Inject().RequestAsync(Request(), context, new Next(_journal)));

        Assert.Contains(Vf, _netlink.Links["host"]);
        Assert.Empty(_netlink.Links["client"]);
        Assert.Null(context.State.Kernel);
        Assert.Equal(0, _handles.Count);
        // The kernel's refusal leaves the socket usable: it goes back to the pool.
        Assert.Equal(1, _handles.Host.Idle);
    }

    [Fact]
    public async Task IpContextRequest_AppliesAddressesRoutesPoliciesNeighboursAndMtuInUpstreamsOrder()
    {
        var context = ContextWithVf();
        context.State.Kernel = new KernelInterfaceRecord { NamespaceUrl = ClientUrl, NamespaceInode = ClientInode, InterfaceName = "nsm-1", OriginalName = Vf };
        var answer = new ConnectionContext
        {
            MTU = 1450,
            IpContext = new IPContext
            {
                SrcIpAddrs = { "10.60.1.2/24" },
                DstIpAddrs = { "10.60.1.1/24", "10.99.0.1/32" },
                SrcRoutes = { new Route { Prefix = "10.70.0.0/16" }, new Route { Prefix = "10.60.1.128/25" }, new Route { Prefix = "10.80.0.0/16", NextHop = "10.60.1.254" } },
                Policies = { new PolicyRoute { From = "172.16.0.0/16", Proto = "6", DstPort = "80-90" } },
                IpNeighbors = { new IpNeighbor { Ip = "10.60.1.1", HardwareAddress = "0a:55:44:33:22:11" } },
            },
        };

        await IpContext().RequestAsync(Request(), context, new Next(_journal, context: answer));

        Assert.Equal(
            [
                "next:request", "up nsm-1", "address nsm-1 10.60.1.2/24", "wait nsm-1 1", "up nsm-1",
                "route nsm-1 10.99.0.1/32 via - onlink=False scope=Link table=254",
                "route nsm-1 10.70.0.0/16 via 10.60.1.1 onlink=True scope=Universe table=254",
                "route nsm-1 10.60.1.128/25 via - onlink=False scope=Universe table=254",
                "route nsm-1 10.80.0.0/16 via 10.60.1.254 onlink=True scope=Universe table=254",
                "route nsm-1 0.0.0.0/0 via - onlink=False scope=Universe table=1",
                "rule from 172.16.0.0/16 proto 6 dport 80-90 table=1",
                "neighbour nsm-1 10.60.1.1 0A5544332211", "up nsm-1", "mtu nsm-1 1450",
            ],
            _journal);
        Assert.Equal([1], context.State.Kernel.PolicyTables);
        Assert.Equal(["10.60.1.128/25", "10.70.0.0/16", "10.80.0.0/16", "10.99.0.1/32"], context.State.Kernel.RouteDestinations.Order());
        Assert.Equal(["10.60.1.1"], context.State.Kernel.NeighbourAddresses);
        Assert.Equal("0 2147483647", _netns.Sysctls[(ClientUrl, "net/ipv4/ping_group_range")]);
    }

    [Fact]
    public async Task IpContextRequest_MalformedRoute_ChangesNothingClosesTheRestAndNamesTheField()
    {
        var context = ContextWithVf();
        context.State.Kernel = new KernelInterfaceRecord { NamespaceUrl = ClientUrl, NamespaceInode = ClientInode, InterfaceName = "nsm-1", OriginalName = Vf };
        var answer = new ConnectionContext { IpContext = new IPContext { SrcIpAddrs = { "10.60.1.2/24" }, SrcRoutes = { new Route { Prefix = "10.70.0.0/16", NextHop = "10.60.1" } } } };

        var error = await Assert.ThrowsAsync<ForwarderException>(() => IpContext().RequestAsync(Request(), context, new Next(_journal, context: answer)));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.Equal("ip_context.src_routes[0].nextHop '10.60.1' is not an IP address", error.Message);
        Assert.Equal(["next:request", "next:close"], _journal);
        Assert.Empty(_netns.Sysctls);
    }

    [Fact]
    public async Task IpContextClose_WithPolicyTables_ForgetsThemAndClosesTheRest()
    {
        var context = ContextWithVf();
        context.State.Kernel = new KernelInterfaceRecord { NamespaceUrl = ClientUrl, NamespaceInode = ClientInode, InterfaceName = "nsm-1", OriginalName = Vf, PolicyTables = [3] };

        await IpContext().CloseAsync(new Connection(), context, new Next(_journal));

        Assert.Empty(context.State.Kernel.PolicyTables);
        Assert.Equal("next:close", _journal[^1]);
    }

    [Fact]
    public async Task InjectAndIpContext_RequestAndClose_ShareOneNetlinkConnectionInsideTheClientAndCloseIt()
    {
        var context = ContextWithVf();
        var answer = new ConnectionContext { IpContext = new IPContext { SrcIpAddrs = { "10.60.1.2/24" } }, MTU = 1400 };
        var ipContext = new Then(IpContext(), new Next(_journal, context: answer));

        await Inject().RequestAsync(Request(), context, ipContext);
        Assert.Equal((1, 1), _netlink.ClientConnections);
        await Inject().CloseAsync(new Connection(), context, ipContext);

        Assert.Contains("address nsm-1 10.60.1.2/24", _journal);
        Assert.Equal($"move {Vf} from client to host", _journal[^2]);
        Assert.Equal((1, 0), _netlink.ClientConnections);
        Assert.Equal(0, _handles.Count);
    }

    private InjectElement Inject() => new(_netlink, _netns, _handles, NullLogger<InjectElement>.Instance);

    private IpContextElement IpContext() => new(_netns, _handles, TimeProvider.System, NullLogger<IpContextElement>.Instance);

    private static ChainContext ContextWithVf() => ChainTestData.Context(state: new ConnectionState
    {
        Vf = new VfHolding { PfAddress = "0000:01:00.0", VfAddress = "0000:01:02.3", VfNumber = 3, VfInterfaceName = Vf },
    });

    private NetworkServiceRequest Request()
    {
        var mechanism = ChainTestData.Kernel();
        mechanism.Parameters["inodeURL"] = ClientUrl;
        var request = ChainTestData.Request(mechanism);
        request.Connection.Mechanism = mechanism.Clone();
        request.Connection.Context = new ConnectionContext { MTU = 1400 };
        return request;
    }

    private sealed class Next(List<string> journal, bool fail = false, ConnectionContext? context = null) : IChainNext
    {
        public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext chainContext)
        {
            journal.Add("next:request");
            if (fail)
            {
                throw new InvalidOperationException("next hop failed");
            }

            var answer = request.Connection.Clone();
            answer.Context = context ?? answer.Context;
            return Task.FromResult(answer);
        }

        public Task CloseAsync(Connection connection, ChainContext chainContext)
        {
            journal.Add("next:close");
            return Task.CompletedTask;
        }
    }

    // One element followed by the rest, as the chain links them.
    private sealed class Then(IChainElement element, IChainNext rest) : IChainNext
    {
        public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext chainContext) => element.RequestAsync(request, chainContext, rest);

        public Task CloseAsync(Connection connection, ChainContext chainContext) => element.CloseAsync(connection, chainContext, rest);
    }
}
