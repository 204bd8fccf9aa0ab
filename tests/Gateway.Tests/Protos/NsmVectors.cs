using static SriovForwarder.Gateway.Tests.Protos.Wire;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Hand-built NSM byte vectors, written from the wire tables of upstream-behaviour.md section 10.</summary>
internal static class NsmVectors
{
    // google.protobuf.Timestamp: 1 seconds int64, 2 nanos int32.
    public static readonly byte[] Expires = Msg(Var(0x08, 1_700_000_000), Var(0x10, 500));

    // connection.PathSegment: 1 name, 2 id, 3 token, 4 expires Timestamp, 5 metrics map.
    public static readonly byte[] Segment = Msg(
        Str(0x0A, "nsmgr-node1"),
        Str(0x12, "seg-id-1"),
        Str(0x1A, "jwt.token.value"),
        Len(0x22, Expires),
        MapEntry(0x2A, "server_interface", "VFIO/unknown"));

    public static readonly byte[] SecondSegment = Msg(Str(0x0A, "forwarder-sriov"), Str(0x12, "seg-id-2"));

    // connection.Path: 1 index uint32, 2 path_segments repeated.
    public static readonly byte[] Path = Msg(Var(0x08, 1), Len(0x12, Segment), Len(0x12, SecondSegment));

    // connection.Mechanism: 1 cls, 2 type, 3 parameters map.
    public static readonly byte[] Mechanism = Msg(
        Str(0x0A, "LOCAL"),
        Str(0x12, "VFIO"),
        MapEntry(0x1A, "cgroupDir", "/kubepods/pod1"),
        MapEntry(0x1A, "tokenID", "tok-1"));

    public static readonly byte[] KernelMechanism = Msg(Str(0x0A, "LOCAL"), Str(0x12, "KERNEL"), MapEntry(0x1A, "name", "nsm-1"));

    // connectioncontext.Route: 1 prefix, 2 nextHop.
    public static readonly byte[] Route = Msg(Str(0x0A, "10.0.0.0/24"), Str(0x12, "10.0.0.254"));

    // connectioncontext.IPContext: fields 1 to 11.
    public static readonly byte[] IpContext = Msg(
        Str(0x0A, "10.0.0.1/32"),
        Str(0x12, "10.0.0.2/32"),
        Var(0x18, 1),
        Var(0x20, 1),
        Len(0x2A, Route),
        Len(0x32, Str(0x0A, "10.1.0.0/16")),
        Str(0x3A, "172.16.0.0/12"),
        Len(0x42, Str(0x0A, "10.0.0.2"), Str(0x12, "aa:bb:cc:dd:ee:ff")),
        Len(0x4A, Len(0x0A, Var(0x08, 1)), Var(0x10, 64), Var(0x18, 2), Var(0x20, 3)),
        Str(0x52, "fd00::/64"),
        Len(0x5A, Str(0x0A, "10.0.0.1/32"), Str(0x12, "6"), Str(0x1A, "80-90"), Str(0x22, "1000"), Len(0x2A, Route)));

    // connectioncontext.EthernetContext: 1 src_mac, 2 dst_mac, 3 vlan_tag int32.
    public static readonly byte[] EthernetContext = Msg(Str(0x0A, "02:00:00:00:00:01"), Str(0x12, "02:00:00:00:00:02"), Var(0x18, 100));

    // connectioncontext.ConnectionContext: 1 ip_context, 2 dns_context, 3 ethernet_context, 4 extra_context map, 5 MTU uint32.
    public static readonly byte[] ConnectionContext = Msg(
        Len(0x0A, IpContext),
        Len(0x12, Len(0x0A, Str(0x0A, "8.8.8.8"), Str(0x12, "example.org"))),
        Len(0x1A, EthernetContext),
        MapEntry(0x22, "extra", "value"),
        Var(0x28, 1500));

    // connection.Connection: fields 1 to 9; state 2 = REFRESH_REQUESTED.
    public static readonly byte[] Connection = Msg(
        Str(0x0A, "conn-1"),
        Str(0x12, "sriov-ns"),
        Len(0x1A, Mechanism),
        Len(0x22, ConnectionContext),
        MapEntry(0x2A, "sriovToken", "worker.domain/10G"),
        Len(0x32, Path),
        Str(0x3A, "nse-1"),
        Str(0x42, "ETHERNET"),
        Var(0x48, 2));

    // networkservice.NetworkServiceRequest: 1 connection, 2 mechanism_preferences repeated.
    public static readonly byte[] Request = Msg(Len(0x0A, Connection), Len(0x12, Mechanism), Len(0x12, KernelMechanism));

    // connection.ConnectionEvent: 1 type enum (1 = UPDATE), 2 connections map<string, Connection>.
    public static readonly byte[] Event = Msg(Var(0x08, 1), Len(0x12, Str(0x0A, "conn-1"), Len(0x12, Connection)));

    // connection.MonitorScopeSelector: 1 path_segments repeated, 2 network_services repeated string.
    public static readonly byte[] Selector = Msg(Len(0x0A, Segment), Str(0x12, "sriov-ns"), Str(0x12, "other-ns"));
}
