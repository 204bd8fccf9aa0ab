namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>One VF as read from sysfs: its number on the PF, IOMMU group, driver and netdev.</summary>
[GenerateSerializer, Immutable, Alias("sriov.VirtualFunctionState")]
public sealed record VirtualFunctionState(
    [property: Id(0)] string Address,
    [property: Id(1)] int VfNumber,
    [property: Id(2)] int IommuGroup,
    [property: Id(3)] string? Driver,
    [property: Id(4)] string? NetInterface,
    [property: Id(5)] int NumaNode);
