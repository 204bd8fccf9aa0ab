namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>The result of <see cref="IConnectionGrain.ReconcileAsync"/>: the outcome, the VF the connection still holds, and why.</summary>
[GenerateSerializer, Immutable, Alias("sriov.ConnectionCheck")]
public sealed record ConnectionCheck(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] ConnectionCheckOutcome Outcome,
    [property: Id(2)] HeldVf? Vf,
    [property: Id(3)] string? Reason);
