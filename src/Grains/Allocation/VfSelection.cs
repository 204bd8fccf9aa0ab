using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Allocation;

/// <summary>The VF a token holds for a connection, as <see cref="ResourcePool.Select"/> returns it.</summary>
/// <param name="VfAddress">The selected VF's PCI address.</param>
/// <param name="PfAddress">Its PF's PCI address.</param>
/// <param name="VfNumber">Its number under the PF.</param>
/// <param name="IommuGroup">Its IOMMU group, now dedicated to <paramref name="DriverType"/>.</param>
/// <param name="DriverType">The driver the group must be bound to.</param>
/// <param name="TokenId">The token that holds it.</param>
/// <param name="ConnectionId">The connection that holds it.</param>
/// <param name="IsRefresh">True when the token already held this VF for this connection and driver: nothing changed.</param>
/// <param name="ReleasedVfAddress">When the token held another VF for another driver, that VF, now released; otherwise null.</param>
public readonly record struct VfSelection(
    string VfAddress,
    string PfAddress,
    int VfNumber,
    int IommuGroup,
    VfDriver DriverType,
    string TokenId,
    string ConnectionId,
    bool IsRefresh,
    string? ReleasedVfAddress);
