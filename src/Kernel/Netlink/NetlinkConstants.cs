namespace SriovForwarder.Kernel.Netlink;

/// <summary>rtnetlink message types, flags and attribute numbers from the Linux UAPI headers.</summary>
internal static class NetlinkConstants
{
    // nlmsg types
    public const ushort NlmsgNoop = 1;
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;
    public const ushort RtmNewLink = 16;
    public const ushort RtmDelLink = 17;
    public const ushort RtmGetLink = 18;
    public const ushort RtmSetLink = 19;
    public const ushort RtmNewAddr = 20;
    public const ushort RtmDelAddr = 21;
    public const ushort RtmGetAddr = 22;
    public const ushort RtmNewRoute = 24;
    public const ushort RtmDelRoute = 25;
    public const ushort RtmGetRoute = 26;
    public const ushort RtmNewNeigh = 28;
    public const ushort RtmDelNeigh = 29;
    public const ushort RtmGetNeigh = 30;
    public const ushort RtmNewRule = 32;
    public const ushort RtmDelRule = 33;
    public const ushort RtmGetRule = 34;

    // nlmsg flags
    public const ushort NlmFRequest = 0x1;
    public const ushort NlmFMulti = 0x2;
    public const ushort NlmFAck = 0x4;
    public const ushort NlmFDump = 0x300;
    public const ushort NlmFReplace = 0x100;
    public const ushort NlmFExcl = 0x200;
    public const ushort NlmFCreate = 0x400;
    public const ushort NlmFAckTlvs = 0x200;

    // NLMSGERR_ATTR_*
    public const ushort NlmsgerrAttrMsg = 1;

    // IFLA_*
    public const ushort IflaAddress = 1;
    public const ushort IflaIfname = 3;
    public const ushort IflaMtu = 4;
    public const ushort IflaLink = 5;
    public const ushort IflaOperstate = 16;
    public const ushort IflaLinkinfo = 18;
    public const ushort IflaNumVf = 21;
    public const ushort IflaVfinfoList = 22;
    public const ushort IflaNetNsFd = 28;
    public const ushort IflaExtMask = 29;
    public const ushort IflaInfoKind = 1;
    public const ushort IflaVfInfo = 1;
    public const ushort IflaVfMac = 1;
    public const ushort IflaVfVlan = 2;
    public const uint RtextFilterVf = 1;
    public const uint IffUp = 1;

    // IFA_*
    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;
    public const ushort IfaFlags = 8;

    // RTA_*
    public const ushort RtaDst = 1;
    public const ushort RtaOif = 4;
    public const ushort RtaGateway = 5;
    public const ushort RtaPriority = 6;
    public const ushort RtaTable = 15;
    public const byte RtnUnicast = 1;
    public const byte RtprotBoot = 3;
    public const uint RtnhFOnlink = 4;
    public const byte RtTableMain = 254;

    // FRA_*
    public const ushort FraDst = 1;
    public const ushort FraSrc = 2;
    public const ushort FraPriority = 6;
    public const ushort FraTable = 15;
    public const ushort FraIpProto = 22;
    public const ushort FraSportRange = 23;
    public const ushort FraDportRange = 24;
    public const byte FrActToTbl = 1;

    // NDA_*
    public const ushort NdaDst = 1;
    public const ushort NdaLladdr = 2;

    /// <summary>The symbolic name of a request type, for error messages.</summary>
    public static string TypeName(ushort type) => type switch
    {
        RtmNewLink => "RTM_NEWLINK",
        RtmDelLink => "RTM_DELLINK",
        RtmGetLink => "RTM_GETLINK",
        RtmSetLink => "RTM_SETLINK",
        RtmNewAddr => "RTM_NEWADDR",
        RtmDelAddr => "RTM_DELADDR",
        RtmGetAddr => "RTM_GETADDR",
        RtmNewRoute => "RTM_NEWROUTE",
        RtmDelRoute => "RTM_DELROUTE",
        RtmGetRoute => "RTM_GETROUTE",
        RtmNewNeigh => "RTM_NEWNEIGH",
        RtmDelNeigh => "RTM_DELNEIGH",
        RtmGetNeigh => "RTM_GETNEIGH",
        RtmNewRule => "RTM_NEWRULE",
        RtmDelRule => "RTM_DELRULE",
        RtmGetRule => "RTM_GETRULE",
        _ => $"nlmsg type {type}",
    };
}
