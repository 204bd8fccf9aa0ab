using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;

namespace SriovForwarder.Kernel.VfEthernet;

/// <summary>The VF whose ethernet settings are changed: its PF and number, and where its netdev is right now.</summary>
/// <param name="PfAddress">The PF's PCI address.</param>
/// <param name="VfNumber">The VF number on the PF (N of <c>virtfnN</c>).</param>
/// <param name="VfAddress">The VF's PCI address.</param>
/// <param name="Namespace">The namespace the VF netdev is in, or null for the host namespace.</param>
/// <param name="InterfaceName">The VF netdev's current name, or null when it has none (VFIO).</param>
/// <param name="NetlinkInNamespace">
/// An rtnetlink connection already open inside <paramref name="Namespace"/> that the caller keeps (the KERNEL connection's),
/// for settings made on the VF netdev itself; without it one is opened, which takes a thread entering the namespace.
/// </param>
public sealed record VfEthernetTarget(
    string PfAddress, int VfNumber, string VfAddress, INetworkNamespace? Namespace, string? InterfaceName, IRouteNetlink? NetlinkInNamespace = null);
