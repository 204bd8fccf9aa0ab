namespace SriovForwarder.Grains.Allocation;

/// <summary>A read-only copy of the resource pool for the dashboard: per PF, per IOMMU group and per VF.</summary>
public sealed record ResourcePoolSnapshot(
    IReadOnlyList<PhysicalFunctionUsage> PhysicalFunctions,
    IReadOnlyList<IommuGroupUsage> IommuGroups,
    IReadOnlyList<VirtualFunctionUsage> VirtualFunctions);
