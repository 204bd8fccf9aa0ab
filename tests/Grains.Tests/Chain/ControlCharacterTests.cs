using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>
/// NUL and other control characters in any request string that reaches the OS are refused by field through the whole
/// forwarder chain, before any VF is reserved, any cgroup touched or the next hop called.
/// </summary>
public sealed class ControlCharacterTests
{
    public static TheoryData<string, Func<NetworkServiceRequest>, string> Cases() => new()
    {
        {
            "NUL in the current mechanism's inodeURL",
            () => WithCurrent(Kernel("inodeURL", "file:///var/run/netns/x\0y")),
            "connection.mechanism.parameters[inodeURL] holds a control character (U+0000 at 23): \"file:///var/run/netns/x\\u0000y\""
        },
        { "newline in a preference's inodeURL", () => Request(Kernel("inodeURL", "file:///proc/1/ns/net\n")), "mechanism_preferences[0].parameters[inodeURL] holds a control character (U+000A at 21)" },
        { "ESC in the interface name", () => Request(Kernel("name", "nsm\u001b1")), "mechanism_preferences[0].parameters[name] holds a control character (U+001B at 3)" },
        { "NUL in cgroupDir", () => Request(ChainTestData.Vfio(cgroupDir: "pod1\0/../*")), "mechanism_preferences[0].parameters[cgroupDir] holds a control character (U+0000 at 4)" },
        { "C1 NEL in cgroupDir", () => Request(ChainTestData.Vfio(cgroupDir: "pod1\u0085/*")), "mechanism_preferences[0].parameters[cgroupDir] holds a control character (U+0085 at 4)" },
        { "tab in tokenID", () => Request(ChainTestData.Vfio(token: ChainTestData.Token + "\t")), "mechanism_preferences[0].parameters[tokenID] holds a control character (U+0009 at 42)" },
        { "DEL in another parameter (netnsURL)", () => Request(Kernel("netnsURL", "file:///x\u007f")), "mechanism_preferences[0].parameters[netnsURL] holds a control character (U+007F at 9)" },
        { "NUL in a parameter's key", () => Request(Kernel("inode\0URL", "file:///proc/1/ns/net")), "mechanism_preferences[0].parameters[inode\\u0000URL] (its key) holds a control character (U+0000 at 5)" },
        { "NUL in the mechanism type", () => Request(new Mechanism { Cls = "LOCAL", Type = "VFIO\0" }), "mechanism_preferences[0].type holds a control character (U+0000 at 4)" },
        { "NUL in the second preference", () => Request(ChainTestData.Noop(), Kernel("name", "a\0")), "mechanism_preferences[1].parameters[name] holds a control character (U+0000 at 1)" },
        { "NUL in connection.id", () => With(r => r.Connection.Id = "conn\0-1"), "connection.id holds a control character (U+0000 at 4)" },
        { "NUL in a path segment id", () => With(r => r.Connection.Path = new Api.Nsm.Connection.Path { PathSegments = { new PathSegment { Name = "nsc", Id = "nsc\0" } } }), "connection.path.path_segments[0].id holds a control character (U+0000 at 3)" },
        { "NUL in the requested src_mac", () => With(r => r.Connection.Context = new ConnectionContext { EthernetContext = new EthernetContext { SrcMac = "0a:55:44:33:22:00\0" } }), "connection.context.ethernet_context.src_mac holds a control character (U+0000 at 17)" },
        { "NUL in a requested address", () => With(r => r.Connection.Context = new ConnectionContext { IpContext = new IPContext { SrcIpAddrs = { "10.0.0.1/32\0" } } }), "connection.context.ip_context.src_ip_addrs[0] holds a control character (U+0000 at 11)" },
        { "NUL in a requested route", () => With(r => r.Connection.Context = new ConnectionContext { IpContext = new IPContext { DstRoutes = { new Route { Prefix = "10.1.0.0/16", NextHop = "10.0.0.1\0" } } } }), "connection.context.ip_context.dst_routes[0].nextHop holds a control character (U+0000 at 8)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_ControlCharacterInAFieldThatReachesTheOs_FailsInvalidArgumentNamingTheFieldBeforeAnyWork(
        string scenario, Func<NetworkServiceRequest> request, string expected)
    {
        var (pool, cgroups, nextHop) = (new FakeVfPool(), new FakeCgroupGrants(), new FakeNextHop());
        var chain = new ForwarderChain(Services(pool, cgroups, nextHop));

        var error = await Assert.ThrowsAsync<ForwarderException>(() => chain.Head.RequestAsync(request(), ChainTestData.Context()));

        Assert.Equal(ForwarderErrorCode.InvalidArgument, error.Code);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{scenario}: {error.Message}");
        Assert.Equal((0, 0, 0), (pool.ReserveCount, cgroups.Log.Count, nextHop.Requests.Count));
    }

    [Fact]
    public async Task Request_ControlCharacterOnlyInALabel_IsNotRefused()
    {
        // Labels go to the registry and the next hop only, never to a file or netlink: they are passed on as they are.
        var nextHop = new FakeNextHop();
        var chain = new ForwarderChain(Services(new FakeVfPool(), new FakeCgroupGrants(), nextHop));
        var request = Request(ChainTestData.Noop());
        request.Connection.Labels["note"] = "line1\nline2";

        await chain.Head.RequestAsync(request, ChainTestData.Context());

        Assert.Equal("line1\nline2", Assert.Single(nextHop.Requests).Request.Connection.Labels["note"]);
    }

    [Fact]
    public void CheckClose_ControlCharacterOnlyInTheContext_PassesSoTheCloseIsNeverBlockedByWhatTheNextHopFilledIn()
    {
        var connection = new Connection
        {
            Id = "conn-1",
            Mechanism = ChainTestData.Noop(),
            Context = new ConnectionContext { EthernetContext = new EthernetContext { SrcMac = "bad\0" } },
        };

        RequestStrings.Check(connection);

        connection.Mechanism.Parameters["inodeURL"] = "file:///proc/1/fd/3\0";
        var error = Assert.Throws<ForwarderException>(() => RequestStrings.Check(connection));
        Assert.Contains("connection.mechanism.parameters[inodeURL]", error.Message, StringComparison.Ordinal);
    }

    private static Mechanism Kernel(string key, string value)
    {
        var mechanism = ChainTestData.Kernel();
        mechanism.Parameters[key] = value;
        return mechanism;
    }

    private static NetworkServiceRequest Request(params Mechanism[] preferences)
    {
        var request = ChainTestData.Request(preferences);
        request.Connection.NetworkServiceEndpointName = "nse-1";
        return request;
    }

    private static NetworkServiceRequest WithCurrent(Mechanism mechanism)
    {
        var request = Request(ChainTestData.Noop());
        request.Connection.Mechanism = mechanism;
        return request;
    }

    private static NetworkServiceRequest With(Action<NetworkServiceRequest> change)
    {
        var request = Request(ChainTestData.Vfio());
        change(request);
        return request;
    }

    private static ServiceProvider Services(FakeVfPool pool, FakeCgroupGrants cgroups, FakeNextHop nextHop)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSingleton<IVfPool>(pool);
        services.AddSingleton<IVfioDevices>(new FakeVfioDevices());
        services.AddSingleton<IDeviceCgroupController>(cgroups);
        services.AddSingleton<INsmRegistryClient>(FakeRegistry.WithEndpoints("nse-1"));
        services.AddSingleton<INextHopClient>(nextHop);
        services.AddSingleton<IConnectionEventSink>(new RecordingSink());
        services.AddForwarderChain(o => o.Name = "forwarder-a");
        return services.BuildServiceProvider();
    }
}
