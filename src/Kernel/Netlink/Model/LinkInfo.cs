using System.Net.NetworkInformation;

namespace SriovForwarder.Kernel.Netlink.Model;

/// <summary>A network interface as the kernel reports it.</summary>
/// <param name="Index">The ifindex.</param>
/// <param name="Name">The interface name.</param>
/// <param name="IsUp">Whether IFF_UP (administratively up) is set.</param>
/// <param name="Mtu">The MTU in bytes.</param>
/// <param name="Mac">The hardware address, if the link has one.</param>
/// <param name="Kind">The link kind (e.g. <c>veth</c>), absent for hardware drivers.</param>
/// <param name="Flags">All IFF_* flags.</param>
/// <param name="VfCount">IFLA_NUM_VF when the device reports VFs (only asked for by <see cref="RouteNetlink.GetVfs"/>).</param>
/// <param name="Vfs">VF settings when asked for; empty otherwise.</param>
public sealed record LinkInfo(
    int Index,
    string Name,
    bool IsUp,
    int Mtu,
    PhysicalAddress? Mac,
    string? Kind,
    uint Flags,
    int? VfCount,
    IReadOnlyList<VfInfo> Vfs);
