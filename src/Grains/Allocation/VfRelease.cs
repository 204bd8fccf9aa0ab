namespace SriovForwarder.Grains.Allocation;

/// <summary>What <see cref="ResourcePool.Free"/> released.</summary>
/// <param name="VfAddress">The released VF.</param>
/// <param name="PfAddress">Its PF.</param>
/// <param name="IommuGroup">Its IOMMU group.</param>
/// <param name="TokenId">The token that held it.</param>
/// <param name="ConnectionId">The connection that held it.</param>
/// <param name="GroupReleased">True when no VF of the group is in use any more, so the group went back to no-driver.</param>
public readonly record struct VfRelease(
    string VfAddress,
    string PfAddress,
    int IommuGroup,
    string TokenId,
    string ConnectionId,
    bool GroupReleased);
