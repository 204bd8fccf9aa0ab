namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>A VF held by one connection: which VF, of which PF, through which token, for which driver.</summary>
/// <remarks>
/// <see cref="DriverReady"/> and <see cref="NetInterface"/> are what the node read of the VF's IOMMU group when it
/// answered a reserve: true when the group was already bound to <see cref="Driver"/> and ready, so the caller need not ask
/// the PF grain to bind it (a VF freed stays on its last driver); the kernel netdev's name then comes along.
/// </remarks>
[GenerateSerializer, Immutable, Alias("sriov.VfReservation")]
public sealed record VfReservation(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string TokenId,
    [property: Id(2)] string ResourceName,
    [property: Id(3)] string PfAddress,
    [property: Id(4)] string VfAddress,
    [property: Id(5)] int VfNumber,
    [property: Id(6)] int IommuGroup,
    [property: Id(7)] VfDriver Driver,
    [property: Id(8)] DateTimeOffset ReservedAt,
    [property: Id(9)] VfOwner? Owner = null,
    [property: Id(10)] bool DriverReady = false,
    [property: Id(11)] string? NetInterface = null);
