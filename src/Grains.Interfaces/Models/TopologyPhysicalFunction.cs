namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>A PF offering a resource: its NUMA node (-1 when unknown) and how many of its VFs no connection holds.</summary>
[GenerateSerializer, Immutable, Alias("sriov.TopologyPhysicalFunction")]
public sealed record TopologyPhysicalFunction(
    [property: Id(0)] string Address,
    [property: Id(1)] int NumaNode,
    [property: Id(2)] int FreeVfs);
