namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>RT_SCOPE_* values for routes and addresses.</summary>
public enum RouteScope : byte
{
    /// <summary>RT_SCOPE_UNIVERSE: global.</summary>
    Universe = 0,

    /// <summary>RT_SCOPE_SITE.</summary>
    Site = 200,

    /// <summary>RT_SCOPE_LINK: directly reachable on the link.</summary>
    Link = 253,

    /// <summary>RT_SCOPE_HOST: on this host.</summary>
    Host = 254,

    /// <summary>RT_SCOPE_NOWHERE.</summary>
    Nowhere = 255,
}
