using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Allocation;

/// <summary>One IOMMU group inside <see cref="ResourcePool"/>: the driver it is dedicated to and its VFs across PFs.</summary>
internal sealed class PoolGroup(int number)
{
    public int Number { get; } = number;

    public VfDriver Driver { get; set; }

    public int InUse { get; set; }

    public List<PoolVf> Vfs { get; } = [];
}
