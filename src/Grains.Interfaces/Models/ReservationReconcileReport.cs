namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>What <see cref="INodeGrain.ReconcileReservationsAsync"/> changed: reservations released for want of an owner, re-made for their owner, or refused.</summary>
[GenerateSerializer, Immutable, Alias("sriov.ReservationReconcileReport")]
public sealed record ReservationReconcileReport(
    [property: Id(0)] IReadOnlyList<VfReservation> Released,
    [property: Id(1)] IReadOnlyList<HeldVf> Adopted,
    [property: Id(2)] IReadOnlyDictionary<string, string> Refused);
