using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Netlink.Model;
using SriovForwarder.Kernel.Netlink.Wire;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Decodes rtnetlink replies into the public model records.</summary>
internal static class RtnlReplies
{
    private const int IfInfoSize = 16;
    private const int IfAddrSize = 8;
    private const int RtMsgSize = 12;
    private const int NdMsgSize = 12;

    public static LinkInfo Link(ReadOnlySpan<byte> payload)
    {
        var header = MemoryMarshal.Read<IfInfoMsg>(payload);
        string name = "";
        var mtu = 0;
        PhysicalAddress? mac = null;
        string? kind = null;
        int? vfCount = null;
        List<VfInfo>? vfs = null;
        foreach (var attribute in new NetlinkAttributes(payload[IfInfoSize..]))
        {
            switch (attribute.Type)
            {
                case IflaIfname:
                    name = NetlinkAttributes.String(attribute.Value);
                    break;
                case IflaMtu:
                    mtu = (int)NetlinkAttributes.U32(attribute.Value);
                    break;
                case IflaAddress:
                    mac = NetlinkAttributes.Mac(attribute.Value);
                    break;
                case IflaLinkinfo:
                    foreach (var info in new NetlinkAttributes(attribute.Value))
                    {
                        if (info.Type == IflaInfoKind)
                        {
                            kind = NetlinkAttributes.String(info.Value);
                        }
                    }

                    break;
                case IflaNumVf:
                    vfCount = (int)NetlinkAttributes.U32(attribute.Value);
                    break;
                case IflaVfinfoList:
                    vfs = [];
                    foreach (var info in new NetlinkAttributes(attribute.Value))
                    {
                        if (info.Type == IflaVfInfo)
                        {
                            vfs.Add(Vf(info.Value, mac?.GetAddressBytes().Length ?? 6));
                        }
                    }

                    break;
            }
        }

        return new LinkInfo(header.Index, name, (header.Flags & IffUp) != 0, mtu, mac, kind, header.Flags, vfCount, (IReadOnlyList<VfInfo>?)vfs ?? []);
    }

    public static InterfaceAddress Address(ReadOnlySpan<byte> payload)
    {
        var header = MemoryMarshal.Read<IfAddrMsg>(payload);
        IPAddress? local = null;
        IPAddress? address = null;
        var flags = (AddressFlags)header.Flags;
        foreach (var attribute in new NetlinkAttributes(payload[IfAddrSize..]))
        {
            switch (attribute.Type)
            {
                case IfaLocal:
                    local = NetlinkAttributes.Address(attribute.Value);
                    break;
                case IfaAddress:
                    address = NetlinkAttributes.Address(attribute.Value);
                    break;
                case IfaFlags:
                    flags = (AddressFlags)NetlinkAttributes.U32(attribute.Value);
                    break;
            }
        }

        // For point-to-point IPv4 links IFA_ADDRESS is the peer; IFA_LOCAL is always our own.
        var own = local ?? address ?? IPAddress.None;
        return new InterfaceAddress(header.Index, new IpPrefix(own, header.PrefixLength), (RouteScope)header.Scope, flags);
    }

    public static Route? Route(ReadOnlySpan<byte> payload)
    {
        var header = MemoryMarshal.Read<RtMsg>(payload);
        var family = RtnlRequests.FromFamily(header.Family);
        if (family == System.Net.Sockets.AddressFamily.Unspecified)
        {
            return null;
        }

        var destination = family == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
        IPAddress? gateway = null;
        int table = header.Table;
        var oif = 0;
        int? metric = null;
        foreach (var attribute in new NetlinkAttributes(payload[RtMsgSize..]))
        {
            switch (attribute.Type)
            {
                case RtaDst:
                    destination = NetlinkAttributes.Address(attribute.Value);
                    break;
                case RtaGateway:
                    gateway = NetlinkAttributes.Address(attribute.Value);
                    break;
                case RtaOif:
                    oif = (int)NetlinkAttributes.U32(attribute.Value);
                    break;
                case RtaTable:
                    table = (int)NetlinkAttributes.U32(attribute.Value);
                    break;
                case RtaPriority:
                    metric = (int)NetlinkAttributes.U32(attribute.Value);
                    break;
            }
        }

        return new Route(new IpPrefix(destination, header.DestinationLength))
        {
            Gateway = gateway,
            OnLink = (header.Flags & RtnhFOnlink) != 0,
            Scope = (RouteScope)header.Scope,
            Table = table,
            InterfaceIndex = oif,
            Metric = metric,
        };
    }

    public static PolicyRule Rule(ReadOnlySpan<byte> payload)
    {
        var header = MemoryMarshal.Read<FibRuleHdr>(payload);
        int table = header.Table;
        IPAddress? source = null;
        IPAddress? destination = null;
        byte? protocol = null;
        PortRange? sourcePorts = null;
        PortRange? destinationPorts = null;
        int? priority = null;
        foreach (var attribute in new NetlinkAttributes(payload[RtMsgSize..]))
        {
            switch (attribute.Type)
            {
                case FraTable:
                    table = (int)NetlinkAttributes.U32(attribute.Value);
                    break;
                case FraSrc:
                    source = NetlinkAttributes.Address(attribute.Value);
                    break;
                case FraDst:
                    destination = NetlinkAttributes.Address(attribute.Value);
                    break;
                case FraPriority:
                    priority = (int)NetlinkAttributes.U32(attribute.Value);
                    break;
                case FraIpProto:
                    protocol = attribute.Value[0];
                    break;
                case FraSportRange:
                    var s = MemoryMarshal.Read<PortRangeWire>(attribute.Value);
                    sourcePorts = new PortRange(s.Start, s.End);
                    break;
                case FraDportRange:
                    var d = MemoryMarshal.Read<PortRangeWire>(attribute.Value);
                    destinationPorts = new PortRange(d.Start, d.End);
                    break;
            }
        }

        return new PolicyRule(RtnlRequests.FromFamily(header.Family), table)
        {
            Source = source is null ? null : new IpPrefix(source, header.SourceLength),
            Destination = destination is null ? null : new IpPrefix(destination, header.DestinationLength),
            IpProtocol = protocol,
            SourcePorts = sourcePorts,
            DestinationPorts = destinationPorts,
            Priority = priority,
        };
    }

    public static Neighbour? Neighbour(ReadOnlySpan<byte> payload)
    {
        var header = MemoryMarshal.Read<NdMsg>(payload);
        IPAddress? address = null;
        PhysicalAddress? mac = null;
        foreach (var attribute in new NetlinkAttributes(payload[NdMsgSize..]))
        {
            switch (attribute.Type)
            {
                case NdaDst:
                    address = NetlinkAttributes.Address(attribute.Value);
                    break;
                case NdaLladdr:
                    mac = NetlinkAttributes.Mac(attribute.Value);
                    break;
            }
        }

        return address is null ? null : new Neighbour(header.Index, address, mac, (NeighbourState)header.State);
    }

    private static VfInfo Vf(ReadOnlySpan<byte> nested, int macLength)
    {
        var vf = -1;
        var mac = PhysicalAddress.None;
        var vlan = 0;
        var qos = 0;
        foreach (var attribute in new NetlinkAttributes(nested))
        {
            switch (attribute.Type)
            {
                case IflaVfMac:
                    vf = (int)NetlinkAttributes.U32(attribute.Value);
                    mac = new PhysicalAddress(attribute.Value.Slice(4, macLength).ToArray());
                    break;
                case IflaVfVlan:
                    var value = MemoryMarshal.Read<VfVlan>(attribute.Value);
                    vf = (int)value.Vf;
                    vlan = (int)value.Vlan;
                    qos = (int)value.Qos;
                    break;
            }
        }

        return new VfInfo(vf, mac, vlan, qos);
    }
}
