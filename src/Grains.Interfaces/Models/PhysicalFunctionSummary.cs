namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>VF capacity of one PF as the node grain sees it.</summary>
[GenerateSerializer, Immutable, Alias("sriov.PhysicalFunctionSummary")]
public sealed record PhysicalFunctionSummary(
    [property: Id(0)] string Address,
    [property: Id(1)] string? NetInterface,
    [property: Id(2)] IReadOnlyList<string> ResourceNames,
    [property: Id(3)] int TotalVfs,
    [property: Id(4)] int FreeVfs,
    [property: Id(5)] int ReservedVfs);
