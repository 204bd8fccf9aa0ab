using Google.Protobuf;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.ConnectionContext;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Decodes and re-encodes hand-built NSM vectors, so a renumbered field or a changed type fails.</summary>
public sealed class NsmWireTests
{
    [Fact]
    public void Connection_HandBuiltVector_DecodesEveryFieldAndReencodesIdentically()
    {
        var connection = Connection.Parser.ParseFrom(NsmVectors.Connection);

        Assert.Equal("conn-1", connection.Id);
        Assert.Equal("sriov-ns", connection.NetworkService);
        Assert.Equal("VFIO", connection.Mechanism.Type);
        Assert.Equal("worker.domain/10G", connection.Labels["sriovToken"]);
        Assert.Equal("nse-1", connection.NetworkServiceEndpointName);
        Assert.Equal("ETHERNET", connection.Payload);
        Assert.Equal(State.RefreshRequested, connection.State);
        Assert.Equal(1u, connection.Path.Index);
        Assert.Equal(["nsmgr-node1", "forwarder-sriov"], connection.Path.PathSegments.Select(s => s.Name));
        var segment = connection.Path.PathSegments[0];
        Assert.Equal("seg-id-1", segment.Id);
        Assert.Equal("jwt.token.value", segment.Token);
        Assert.Equal(1_700_000_000L, segment.Expires.Seconds);
        Assert.Equal(500, segment.Expires.Nanos);
        Assert.Equal("VFIO/unknown", segment.Metrics["server_interface"]);
        Assert.Equal(1500u, connection.Context.MTU);
        Assert.Equal(NsmVectors.Connection, connection.ToByteArray());
    }

    [Fact]
    public void Mechanism_HandBuiltVector_DecodesClassTypeAndParameters()
    {
        var mechanism = Mechanism.Parser.ParseFrom(NsmVectors.Mechanism);

        Assert.Equal("LOCAL", mechanism.Cls);
        Assert.Equal("VFIO", mechanism.Type);
        Assert.Equal("/kubepods/pod1", mechanism.Parameters["cgroupDir"]);
        Assert.Equal("tok-1", mechanism.Parameters["tokenID"]);
        Assert.Equal(NsmVectors.Mechanism, mechanism.ToByteArray());
    }

    [Fact]
    public void NetworkServiceRequest_HandBuiltVector_DecodesConnectionAndMechanismPreferences()
    {
        var request = NetworkServiceRequest.Parser.ParseFrom(NsmVectors.Request);

        Assert.Equal("conn-1", request.Connection.Id);
        Assert.Equal(["VFIO", "KERNEL"], request.MechanismPreferences.Select(m => m.Type));
        Assert.Equal("nsm-1", request.MechanismPreferences[1].Parameters["name"]);
        Assert.Equal(NsmVectors.Request, request.ToByteArray());
    }

    [Fact]
    public void ConnectionEvent_HandBuiltVector_DecodesTypeAndConnectionsMap()
    {
        var connectionEvent = ConnectionEvent.Parser.ParseFrom(NsmVectors.Event);

        Assert.Equal(ConnectionEventType.Update, connectionEvent.Type);
        Assert.Equal("sriov-ns", Assert.Single(connectionEvent.Connections, c => c.Key == "conn-1").Value.NetworkService);
        Assert.Equal(NsmVectors.Event, connectionEvent.ToByteArray());
    }

    [Fact]
    public void MonitorScopeSelector_HandBuiltVector_DecodesSegmentsAndServices()
    {
        var selector = MonitorScopeSelector.Parser.ParseFrom(NsmVectors.Selector);

        Assert.Equal("seg-id-1", Assert.Single(selector.PathSegments).Id);
        Assert.Equal(["sriov-ns", "other-ns"], selector.NetworkServices);
        Assert.Equal(NsmVectors.Selector, selector.ToByteArray());
    }

    [Fact]
    public void IpContext_HandBuiltVector_DecodesAddressesRoutesNeighborsPrefixesAndPolicies()
    {
        var ip = IPContext.Parser.ParseFrom(NsmVectors.IpContext);

        Assert.Equal(["10.0.0.1/32"], ip.SrcIpAddrs);
        Assert.Equal(["10.0.0.2/32"], ip.DstIpAddrs);
        Assert.True(ip.SrcIpRequired);
        Assert.True(ip.DstIpRequired);
        Assert.Equal("10.0.0.254", Assert.Single(ip.SrcRoutes).NextHop);
        Assert.Equal("10.1.0.0/16", Assert.Single(ip.DstRoutes).Prefix);
        Assert.Equal(["172.16.0.0/12"], ip.ExcludedPrefixes);
        var neighbor = Assert.Single(ip.IpNeighbors);
        Assert.Equal("10.0.0.2", neighbor.Ip);
        Assert.Equal("aa:bb:cc:dd:ee:ff", neighbor.HardwareAddress);
        var extra = Assert.Single(ip.ExtraPrefixRequest);
        Assert.Equal(IpFamily.Types.Family.Ipv6, extra.AddrFamily.Family);
        Assert.Equal(64u, extra.PrefixLen);
        Assert.Equal(2u, extra.RequiredNumber);
        Assert.Equal(3u, extra.RequestedNumber);
        Assert.Equal(["fd00::/64"], ip.ExtraPrefixes);
        var policy = Assert.Single(ip.Policies);
        Assert.Equal("10.0.0.1/32", policy.From);
        Assert.Equal("6", policy.Proto);
        Assert.Equal("80-90", policy.DstPort);
        Assert.Equal("1000", policy.SrcPort);
        Assert.Equal("10.0.0.0/24", Assert.Single(policy.Routes).Prefix);
        Assert.Equal(NsmVectors.IpContext, ip.ToByteArray());
    }

    [Fact]
    public void EthernetContext_HandBuiltVector_DecodesMacsAndVlan()
    {
        var ethernet = EthernetContext.Parser.ParseFrom(NsmVectors.EthernetContext);

        Assert.Equal("02:00:00:00:00:01", ethernet.SrcMac);
        Assert.Equal("02:00:00:00:00:02", ethernet.DstMac);
        Assert.Equal(100, ethernet.VlanTag);
        Assert.Equal(NsmVectors.EthernetContext, ethernet.ToByteArray());
    }

    [Fact]
    public void EthernetContext_NegativeVlanAsTenByteVarint_DecodesAsInt32NotZigZag()
    {
        // int32 sends negatives as a sign-extended 10-byte varint; sint32 would read these bytes differently.
        byte[] vector = [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];

        var ethernet = EthernetContext.Parser.ParseFrom(vector);

        Assert.Equal(-1, ethernet.VlanTag);
        Assert.Equal(vector, ethernet.ToByteArray());
    }

    [Fact]
    public void ConnectionContext_HandBuiltVector_DecodesAllFiveFieldsWithMtuAsFieldFive()
    {
        var context = ConnectionContext.Parser.ParseFrom(NsmVectors.ConnectionContext);

        Assert.Equal(["10.0.0.1/32"], context.IpContext.SrcIpAddrs);
        var dns = Assert.Single(context.DnsContext.Configs);
        Assert.Equal(["8.8.8.8"], dns.DnsServerIps);
        Assert.Equal(["example.org"], dns.SearchDomains);
        Assert.Equal(100, context.EthernetContext.VlanTag);
        Assert.Equal("value", context.ExtraContext["extra"]);
        Assert.Equal(1500u, context.MTU);
        Assert.Equal(NsmVectors.ConnectionContext, context.ToByteArray());
    }
}
