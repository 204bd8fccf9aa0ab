namespace SriovForwarder.Grains.Allocation;

/// <summary>A physical function as the allocation core sees it: the resource names it offers and its VFs.</summary>
/// <param name="Address">The PF's PCI address.</param>
/// <param name="ResourceNames">The token names (<c>serviceDomain/capability</c>) in upstream's order: domain-major, then capability.</param>
/// <param name="VirtualFunctions">The VFs of the PF that may be handed out.</param>
public sealed record PoolPhysicalFunction(
    string Address,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<PoolVirtualFunction> VirtualFunctions);
