namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>
/// One node in the fleet view: whether a live silo runs it (and why not), when it last reported, and what it reported.
/// <see cref="DepartedSilo"/> names the silo membership last listed for a departed node that has no report in this
/// fleet-grain activation (the grain moved after the node's silo left).
/// </summary>
[GenerateSerializer, Immutable, Alias("sriov.FleetNode")]
public sealed record FleetNode(
    [property: Id(0)] string Node,
    [property: Id(1)] bool Live,
    [property: Id(2)] DateTimeOffset? ReportedAt,
    [property: Id(3)] NodeSnapshot? Snapshot,
    [property: Id(4)] string? DownReason = null,
    [property: Id(5)] string? DepartedSilo = null);
