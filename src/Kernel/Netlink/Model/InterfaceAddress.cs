namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>An address configured on an interface.</summary>
/// <param name="InterfaceIndex">The ifindex it is on.</param>
/// <param name="Prefix">The address and its prefix length.</param>
/// <param name="Scope">Its scope (global addresses are <see cref="RouteScope.Universe"/>, IPv6 link-local ones <see cref="RouteScope.Link"/>).</param>
/// <param name="Flags">IFA_F_* flags.</param>
public sealed record InterfaceAddress(int InterfaceIndex, IpPrefix Prefix, RouteScope Scope, AddressFlags Flags)
{
    /// <summary>Whether DAD is still running (or failed), i.e. the address cannot be used yet.</summary>
    public bool IsTentative => (Flags & (AddressFlags.Tentative | AddressFlags.DadFailed)) != 0;
}
