namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>Asks a node for a VF for one connection, paid for with one device-plugin token; the owner is shown in the fleet.</summary>
[GenerateSerializer, Immutable, Alias("sriov.ReserveRequest")]
public sealed record ReserveRequest(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string TokenId,
    [property: Id(2)] VfDriver Driver,
    [property: Id(3)] VfOwner? Owner = null);
