namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>A VF as a connection's own state records it: the owner side of a node reservation, for reconciliation.</summary>
[GenerateSerializer, Immutable, Alias("sriov.HeldVf")]
public sealed record HeldVf(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string TokenId,
    [property: Id(2)] string VfAddress,
    [property: Id(3)] VfDriver Driver);
