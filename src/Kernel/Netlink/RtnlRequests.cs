using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.Netlink.Wire;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Encodes each rtnetlink request into a writer; kept apart from I/O so tests can compare bytes.</summary>
internal static class RtnlRequests
{
    private const ushort Ack = NlmFRequest | NlmFAck;

    public static void GetLink(NetlinkMessageWriter w, uint seq, string? name, int index, bool withVfs)
    {
        w.Begin(RtmGetLink, Ack, seq);
        w.Write(new IfInfoMsg { Index = index });
        if (name is not null)
        {
            w.AttributeString(IflaIfname, name);
        }

        if (withVfs)
        {
            w.Attribute(IflaExtMask, RtextFilterVf);
        }
    }

    public static void DumpLinks(NetlinkMessageWriter w, uint seq)
    {
        w.Begin(RtmGetLink, NlmFRequest | NlmFDump, seq);
        w.Write(default(IfInfoMsg));
    }

    /// <summary>RTM_NEWLINK on an existing link, by index when known, else by name.</summary>
    public static void BeginSetLink(NetlinkMessageWriter w, uint seq, string name, int index, uint flags = 0, uint change = 0)
    {
        w.Begin(RtmNewLink, Ack, seq);
        w.Write(new IfInfoMsg { Index = index, Flags = flags, Change = change });
        if (index == 0)
        {
            w.AttributeString(IflaIfname, name);
        }
    }

    public static void MoveToNamespace(NetlinkMessageWriter w, uint seq, string name, int fd)
    {
        BeginSetLink(w, seq, name, 0);
        w.Attribute(IflaNetNsFd, (uint)fd);
    }

    public static void Rename(NetlinkMessageWriter w, uint seq, int index, string newName)
    {
        BeginSetLink(w, seq, newName, index);
        w.AttributeString(IflaIfname, newName);
    }

    public static void SetMtu(NetlinkMessageWriter w, uint seq, string name, int mtu)
    {
        BeginSetLink(w, seq, name, 0);
        w.Attribute(IflaMtu, (uint)mtu);
    }

    public static void SetState(NetlinkMessageWriter w, uint seq, string name, bool up) =>
        BeginSetLink(w, seq, name, 0, up ? IffUp : 0, IffUp);

    public static void SetMac(NetlinkMessageWriter w, uint seq, string name, PhysicalAddress mac)
    {
        BeginSetLink(w, seq, name, 0);
        w.Attribute(IflaAddress, mac.GetAddressBytes());
    }

    public static void DeleteLink(NetlinkMessageWriter w, uint seq, string name)
    {
        w.Begin(RtmDelLink, Ack, seq);
        w.Write(default(IfInfoMsg));
        w.AttributeString(IflaIfname, name);
    }

    /// <summary><c>ip link set &lt;pf&gt; vf N mac M</c>: IFLA_VFINFO_LIST { IFLA_VF_INFO { IFLA_VF_MAC } }.</summary>
    public static void SetVfMac(NetlinkMessageWriter w, uint seq, string pf, int vf, PhysicalAddress mac)
    {
        BeginSetLink(w, seq, pf, 0);
        var list = w.BeginNested(IflaVfinfoList);
        var info = w.BeginNested(IflaVfInfo);
        var value = new VfMac { Vf = (uint)vf };
        mac.GetAddressBytes().CopyTo(value.Mac);
        w.Attribute(IflaVfMac, value);
        w.EndNested(info);
        w.EndNested(list);
    }

    /// <summary><c>ip link set &lt;pf&gt; vf N vlan V qos Q</c>: IFLA_VFINFO_LIST { IFLA_VF_INFO { IFLA_VF_VLAN } }.</summary>
    public static void SetVfVlan(NetlinkMessageWriter w, uint seq, string pf, int vf, int vlan, int qos)
    {
        BeginSetLink(w, seq, pf, 0);
        var list = w.BeginNested(IflaVfinfoList);
        var info = w.BeginNested(IflaVfInfo);
        w.Attribute(IflaVfVlan, new VfVlan { Vf = (uint)vf, Vlan = (uint)vlan, Qos = (uint)qos });
        w.EndNested(info);
        w.EndNested(list);
    }

    public static void Address(NetlinkMessageWriter w, uint seq, bool add, bool replace, int index, IpPrefix address, AddressFlags flags)
    {
        var requestFlags = add ? (ushort)(Ack | NlmFCreate | (replace ? NlmFReplace : NlmFExcl)) : Ack;
        w.Begin(add ? RtmNewAddr : RtmDelAddr, requestFlags, seq);
        w.Write(new IfAddrMsg
        {
            Family = Family(address.Family),
            PrefixLength = (byte)address.PrefixLength,
            Flags = (byte)((int)flags & 0xff),
            Index = index,
        });
        w.AttributeAddress(IfaLocal, address.Address);
        w.AttributeAddress(IfaAddress, address.Address);
        if (add)
        {
            // IFA_FLAGS carries the flags above the 8 bits of ifa_flags (e.g. NOPREFIXROUTE).
            w.Attribute(IfaFlags, (uint)flags);
        }
    }

    public static void DumpAddresses(NetlinkMessageWriter w, uint seq, AddressFamily family)
    {
        w.Begin(RtmGetAddr, NlmFRequest | NlmFDump, seq);
        w.Write(new IfAddrMsg { Family = Family(family) });
    }

    public static void Route(NetlinkMessageWriter w, uint seq, bool add, bool replace, Route route)
    {
        var requestFlags = add ? (ushort)(Ack | NlmFCreate | (replace ? NlmFReplace : NlmFExcl)) : Ack;
        w.Begin(add ? RtmNewRoute : RtmDelRoute, requestFlags, seq);
        var destination = route.Destination.Network;
        w.Write(new RtMsg
        {
            Family = Family(destination.Family),
            DestinationLength = (byte)destination.PrefixLength,
            Table = route.Table is > 0 and < 256 ? (byte)route.Table : (byte)0,
            Protocol = add ? RtprotBoot : (byte)0,
            Scope = add ? (byte)route.Scope : (byte)RouteScope.Nowhere,
            Type = RtnUnicast,
            Flags = route.OnLink ? RtnhFOnlink : 0,
        });
        w.Attribute(RtaTable, (uint)route.Table);
        if (destination.PrefixLength > 0)
        {
            w.AttributeAddress(RtaDst, destination.Address);
        }

        if (route.Gateway is not null)
        {
            w.AttributeAddress(RtaGateway, route.Gateway);
        }

        if (route.InterfaceIndex > 0)
        {
            w.Attribute(RtaOif, (uint)route.InterfaceIndex);
        }

        if (route.Metric is { } metric)
        {
            w.Attribute(RtaPriority, (uint)metric);
        }
    }

    public static void DumpRoutes(NetlinkMessageWriter w, uint seq, AddressFamily family)
    {
        w.Begin(RtmGetRoute, NlmFRequest | NlmFDump, seq);
        w.Write(new RtMsg { Family = Family(family) });
    }

    public static void Rule(NetlinkMessageWriter w, uint seq, bool add, PolicyRule rule)
    {
        w.Begin(add ? RtmNewRule : RtmDelRule, add ? (ushort)(Ack | NlmFCreate | NlmFExcl) : Ack, seq);
        w.Write(new FibRuleHdr
        {
            Family = Family(rule.Family),
            DestinationLength = (byte)(rule.Destination?.PrefixLength ?? 0),
            SourceLength = (byte)(rule.Source?.PrefixLength ?? 0),
            Table = rule.Table is > 0 and < 256 ? (byte)rule.Table : (byte)0,
            Action = FrActToTbl,
        });
        w.Attribute(FraTable, (uint)rule.Table);
        if (rule.Priority is { } priority)
        {
            w.Attribute(FraPriority, (uint)priority);
        }

        if (rule.Source is { } source)
        {
            w.AttributeAddress(FraSrc, source.Network.Address);
        }

        if (rule.Destination is { } destination)
        {
            w.AttributeAddress(FraDst, destination.Network.Address);
        }

        if (rule.IpProtocol is { } protocol)
        {
            w.Attribute(FraIpProto, protocol);
        }

        if (rule.SourcePorts is { } sourcePorts)
        {
            w.Attribute(FraSportRange, new PortRangeWire { Start = sourcePorts.Start, End = sourcePorts.End });
        }

        if (rule.DestinationPorts is { } destinationPorts)
        {
            w.Attribute(FraDportRange, new PortRangeWire { Start = destinationPorts.Start, End = destinationPorts.End });
        }
    }

    public static void DumpRules(NetlinkMessageWriter w, uint seq, AddressFamily family)
    {
        w.Begin(RtmGetRule, NlmFRequest | NlmFDump, seq);
        w.Write(new FibRuleHdr { Family = Family(family) });
    }

    public static void Neighbour(NetlinkMessageWriter w, uint seq, bool add, int index, IPAddress address, PhysicalAddress? mac, NeighbourState state)
    {
        w.Begin(add ? RtmNewNeigh : RtmDelNeigh, add ? (ushort)(Ack | NlmFCreate | NlmFReplace) : Ack, seq);
        w.Write(new NdMsg { Family = Family(address.AddressFamily), Index = index, State = (ushort)state });
        w.AttributeAddress(NdaDst, address);
        if (mac is not null)
        {
            w.Attribute(NdaLladdr, mac.GetAddressBytes());
        }
    }

    public static void DumpNeighbours(NetlinkMessageWriter w, uint seq, AddressFamily family)
    {
        w.Begin(RtmGetNeigh, NlmFRequest | NlmFDump, seq);
        w.Write(new NdMsg { Family = Family(family) });
    }

    public static byte Family(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 2,
        AddressFamily.InterNetworkV6 => 10,
        AddressFamily.Unspecified => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "only IPv4 and IPv6 are supported"),
    };

    public static AddressFamily FromFamily(byte family) => family switch
    {
        2 => AddressFamily.InterNetwork,
        10 => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unspecified,
    };
}
