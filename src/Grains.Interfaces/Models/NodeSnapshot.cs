namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>A read-only picture of one node's SR-IOV capacity, tokens and reservations (for the dashboard and the fleet).</summary>
[GenerateSerializer, Immutable, Alias("sriov.NodeSnapshot")]
public sealed record NodeSnapshot(
    [property: Id(0)] string Node,
    [property: Id(1)] IReadOnlyList<PhysicalFunctionSummary> PhysicalFunctions,
    [property: Id(2)] IReadOnlyList<ResourceSummary> Resources,
    [property: Id(3)] IReadOnlyList<VfReservation> Reservations,
    [property: Id(4)] IReadOnlyDictionary<int, VfDriver> IommuGroupDrivers,
    [property: Id(5)] DateTimeOffset ActivatedAt,
    [property: Id(6)] string Silo);
