namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>
/// A read-only picture of one node's SR-IOV capacity, tokens and reservations (for the dashboard and the fleet): with the
/// PFs and VFs as sysfs shows them, the recent allocation latency, and a sequence number that grows with every report of
/// one activation (the fleet keeps the newest when one-way reports arrive out of order); <c>Health</c> lists the unhealthy PFs
/// and VFs, <c>UnusableVfs</c> every VF that cannot be offered (its own fault or its PF's) with the reason.
/// </summary>
[GenerateSerializer, Immutable, Alias("sriov.NodeSnapshot")]
public sealed record NodeSnapshot(
    [property: Id(0)] string Node,
    [property: Id(1)] IReadOnlyList<PhysicalFunctionSummary> PhysicalFunctions,
    [property: Id(2)] IReadOnlyList<ResourceSummary> Resources,
    [property: Id(3)] IReadOnlyList<VfReservation> Reservations,
    [property: Id(4)] IReadOnlyDictionary<int, VfDriver> IommuGroupDrivers,
    [property: Id(5)] DateTimeOffset ActivatedAt,
    [property: Id(6)] string Silo,
    [property: Id(7)] IReadOnlyList<PhysicalFunctionSnapshot>? Hardware = null,
    [property: Id(8)] AllocationLatency? Latency = null,
    [property: Id(9)] long Sequence = 0,
    [property: Id(10)] IReadOnlyList<FunctionHealth>? Health = null,
    [property: Id(11)] IReadOnlyDictionary<string, string>? UnusableVfs = null);
