namespace SriovForwarder.Grains.Allocation;

/// <summary>One PF inside <see cref="ResourcePool"/>: its names, its VFs in address order and its free VFs per group driver.</summary>
internal sealed class PoolPf(int index, string address, string[] names, int[] nameIndices, int vfCount)
{
    public int Index { get; } = index;

    public string Address { get; } = address;

    public string[] Names { get; } = names;

    public int[] NameIndices { get; } = nameIndices;

    public PoolVf[] Vfs { get; } = new PoolVf[vfCount];

    public int FreeCount { get; set; } = vfCount;

    /// <summary>Free VFs (local indices, so address order) by the driver their group is dedicated to.</summary>
    public IndexSet[] FreeByDriver { get; } = [new(vfCount), new(vfCount), new(vfCount)];
}
