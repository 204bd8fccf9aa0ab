namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>A live node that can hand out the VFs asked for, and how many it could hand out (more is better).</summary>
[GenerateSerializer, Immutable, Alias("sriov.FleetMatch")]
public sealed record FleetMatch(
    [property: Id(0)] string Node,
    [property: Id(1)] int Available);
