namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>One unhealthy PF or VF of a node: what is wrong and since when (a VF of an unhealthy PF is unusable too, without its own entry).</summary>
/// <param name="Address">The function's PCI address.</param>
/// <param name="PhysicalFunction">The PF's address (the function itself for a PF).</param>
/// <param name="IsPhysicalFunction">True for a PF.</param>
/// <param name="Reason">The faults its health sources see, e.g. <c>netdev eth1 has no carrier (operstate lowerlayerdown)</c>.</param>
/// <param name="Since">When it turned unhealthy.</param>
[GenerateSerializer, Immutable, Alias("sriov.FunctionHealth")]
public sealed record FunctionHealth(
    [property: Id(0)] string Address,
    [property: Id(1)] string PhysicalFunction,
    [property: Id(2)] bool IsPhysicalFunction,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset Since);
