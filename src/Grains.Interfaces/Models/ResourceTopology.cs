namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>
/// Where one resource's tokens can land (decision 033), for GetPreferredAllocation: the PFs offering the resource with
/// their NUMA node and free VFs, and each token with its health and the PF of the VF it holds, if any.
/// </summary>
[GenerateSerializer, Immutable, Alias("sriov.ResourceTopology")]
public sealed record ResourceTopology(
    [property: Id(0)] string ResourceName,
    [property: Id(1)] IReadOnlyList<TopologyPhysicalFunction> PhysicalFunctions,
    [property: Id(2)] IReadOnlyList<TopologyToken> Tokens);
