using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Allocation;

/// <summary>Snapshot of one VF and its holder (null token and connection when free).</summary>
public sealed record VirtualFunctionUsage(
    string Address,
    string PfAddress,
    int VfNumber,
    int IommuGroup,
    VfDriver DriverType,
    string? TokenId,
    string? ConnectionId);
