namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>Token counts of one device-plugin resource (<c>serviceDomain/capability</c>) on a node, by state and by the health ListAndWatch reports.</summary>
[GenerateSerializer, Immutable, Alias("sriov.ResourceSummary")]
public sealed record ResourceSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] int Tokens,
    [property: Id(2)] int Free,
    [property: Id(3)] int Allocated,
    [property: Id(4)] int InUse,
    [property: Id(5)] int Closed,
    [property: Id(6)] int Healthy = 0,
    [property: Id(7)] int Unhealthy = 0);
