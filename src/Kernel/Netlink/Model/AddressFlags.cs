namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>IFA_F_* interface address flags.</summary>
[Flags]
public enum AddressFlags
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>IFA_F_SECONDARY.</summary>
    Secondary = 0x01,

    /// <summary>IFA_F_NODAD: skip IPv6 duplicate address detection.</summary>
    NoDad = 0x02,

    /// <summary>IFA_F_OPTIMISTIC.</summary>
    Optimistic = 0x04,

    /// <summary>IFA_F_DADFAILED.</summary>
    DadFailed = 0x08,

    /// <summary>IFA_F_DEPRECATED.</summary>
    Deprecated = 0x20,

    /// <summary>IFA_F_TENTATIVE: DAD has not finished; the address is not usable yet.</summary>
    Tentative = 0x40,

    /// <summary>IFA_F_PERMANENT: configured, not learned (no lifetime).</summary>
    Permanent = 0x80,

    /// <summary>IFA_F_NOPREFIXROUTE.</summary>
    NoPrefixRoute = 0x200,
}
