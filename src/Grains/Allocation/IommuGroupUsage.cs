using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Allocation;

/// <summary>Snapshot of one IOMMU group: the driver it is dedicated to and how many of its VFs are in use.</summary>
public sealed record IommuGroupUsage(int Group, VfDriver DriverType, int Total, int InUse);
