namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>Who holds a VF, as a person reading the fleet asks: the client (first path segment's name), its network service and mechanism.</summary>
[GenerateSerializer, Immutable, Alias("sriov.VfOwner")]
public sealed record VfOwner(
    [property: Id(0)] string Client,
    [property: Id(1)] string NetworkService,
    [property: Id(2)] string Mechanism);
