using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Netlink.Model;

namespace SriovForwarder.Kernel.Tests.Netlink;

/// <summary>Request bytes compared with hand-computed ones from the kernel UAPI layouts (no kernel needed).</summary>
public sealed class RequestEncodingTests
{
    private readonly NetlinkMessageWriter _writer = new();

    [Fact]
    public void SetVfMac_Pf0Vf3_EncodesNestedVfInfoListWith36ByteVfMac()
    {
        RtnlRequests.SetVfMac(_writer, 7, "pf0", 3, PhysicalAddress.Parse("02-00-00-00-00-01"));

        Assert.Equal(Hex("""
            58000000 1000 0500 07000000 00000000
            00 00 0000 00000000 00000000 00000000
            0800 0300 70663000
            3000 1600
              2c00 0100
                2800 0100 03000000
                020000000001 0000000000000000000000000000000000000000000000000000
            """), _writer.Finish().ToArray());
    }

    [Fact]
    public void SetVfVlan_Pf0Vf2Vlan100_EncodesNestedVfVlanWithVfVlanQos()
    {
        RtnlRequests.SetVfVlan(_writer, 8, "pf0", 2, 100, 0);

        Assert.Equal(Hex("""
            40000000 1000 0500 08000000 00000000
            00000000 00000000 00000000 00000000
            0800 0300 70663000
            1800 1600
              1400 0100
                1000 0200 02000000 64000000 00000000
            """), _writer.Finish().ToArray());
    }

    [Fact]
    public void GetLink_WithVfs_AsksForRtextFilterVfThroughExtMask()
    {
        RtnlRequests.GetLink(_writer, 9, "pf0", 0, withVfs: true);

        Assert.Equal(Hex("""
            30000000 1200 0500 09000000 00000000
            00000000 00000000 00000000 00000000
            0800 0300 70663000
            0800 1d00 01000000
            """), _writer.Finish().ToArray());
    }

    [Fact]
    public void Rule_SourceProtocolDestinationPortsPriority_EncodesFibRuleHeaderAndAttributes()
    {
        var rule = new PolicyRule(AddressFamily.InterNetwork, 321)
        {
            Source = IpPrefix.Parse("172.16.5.0/24"),
            IpProtocol = 6,
            DestinationPorts = new PortRange(8000, 8080),
            Priority = 1500,
        };

        RtnlRequests.Rule(_writer, 1, add: true, rule);

        Assert.Equal(Hex("""
            44000000 2000 0506 01000000 00000000
            02 00 18 00 00 00 00 01 00000000
            0800 0f00 41010000
            0800 0600 dc050000
            0800 0200 ac100500
            0500 1600 06000000
            0800 1800 401f901f
            """), _writer.Finish().ToArray());
    }

    [Fact]
    public void Route_DefaultViaOnLinkGatewayInTable1234_EncodesRtaTableGatewayAndOif()
    {
        var route = new Route(IpPrefix.Parse("0.0.0.0/0")) { Gateway = IPAddress.Parse("10.99.0.1"), OnLink = true, Table = 1234, InterfaceIndex = 5 };

        RtnlRequests.Route(_writer, 2, add: true, replace: true, route);

        Assert.Equal(Hex("""
            34000000 1800 0505 02000000 00000000
            02 00 00 00 00 03 00 01 04000000
            0800 0f00 d2040000
            0800 0500 0a630001
            0800 0400 05000000
            """), _writer.Finish().ToArray());
    }

    [Fact]
    public void Address_Ipv6NoDadPermanent_EncodesLocalAddressAndFlags()
    {
        RtnlRequests.Address(_writer, 3, add: true, replace: true, 7, IpPrefix.Parse("fd00::2/64"), AddressFlags.Permanent | AddressFlags.NoDad);

        Assert.Equal(Hex("""
            48000000 1400 0505 03000000 00000000
            0a 40 82 00 07000000
            1400 0200 fd000000000000000000000000000002
            1400 0100 fd000000000000000000000000000002
            0800 0800 82000000
            """), _writer.Finish().ToArray());
    }

    [Fact]
    public void LinkReply_WithVfInfoList_DecodesEachVfMacVlanAndQos()
    {
        // A PF reply as the kernel builds it for RTEXT_FILTER_VF: ifinfomsg, name, MAC, IFLA_NUM_VF and the VF list.
        var reply = Hex("""
            00 00 0100 04000000 01000000 00000000
            0800 0300 70663000
            0a00 0100 020000000099 0000
            0800 1500 02000000
            6c00 1600
              2c00 0100
                2800 0100 00000000 02aabbccdd00 0000000000000000000000000000000000000000000000000000
              3c00 0100
                1000 0200 01000000 2a000000 03000000
                2800 0100 01000000 000000000000 0000000000000000000000000000000000000000000000000000
            """);

        var link = RtnlReplies.Link(reply);

        Assert.Equal(4, link.Index);
        Assert.Equal("pf0", link.Name);
        Assert.True(link.IsUp);
        Assert.Equal(2, link.VfCount);
        Assert.Equal(2, link.Vfs.Count);
        Assert.Equal(new VfInfo(0, PhysicalAddress.Parse("02-AA-BB-CC-DD-00"), 0, 0), link.Vfs[0]);
        Assert.Equal(1, link.Vfs[1].Vf);
        Assert.Equal(42, link.Vfs[1].Vlan);
        Assert.Equal(3, link.Vfs[1].Qos);
    }

    private static byte[] Hex(string text) => Convert.FromHexString(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
}
