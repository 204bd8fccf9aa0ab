namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>A VF held by one connection: which VF, of which PF, through which token, for which driver.</summary>
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
    [property: Id(9)] VfOwner? Owner = null);
