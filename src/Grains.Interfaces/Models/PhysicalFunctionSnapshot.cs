namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>A read-only picture of one PF and its VFs as sysfs shows them; <c>Link</c> is the PF netdev's <c>operstate</c> (null when unknown).</summary>
[GenerateSerializer, Immutable, Alias("sriov.PhysicalFunctionSnapshot")]
public sealed record PhysicalFunctionSnapshot(
    [property: Id(0)] string Address,
    [property: Id(1)] string? Driver,
    [property: Id(2)] string? NetInterface,
    [property: Id(3)] int NumaNode,
    [property: Id(4)] IReadOnlyList<VirtualFunctionState> VirtualFunctions,
    [property: Id(5)] DateTimeOffset ReadAt,
    [property: Id(6)] string? Link = null);
