namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>One node in the fleet view: whether a live silo runs it (and why not), when it last reported, and what it reported.</summary>
[GenerateSerializer, Immutable, Alias("sriov.FleetNode")]
public sealed record FleetNode(
    [property: Id(0)] string Node,
    [property: Id(1)] bool Live,
    [property: Id(2)] DateTimeOffset? ReportedAt,
    [property: Id(3)] NodeSnapshot? Snapshot,
    [property: Id(4)] string? DownReason = null);
