namespace SriovForwarder.Grains.Allocation;

/// <summary>One VF inside <see cref="ResourcePool"/>: where it sits in the indexes and who holds it.</summary>
internal sealed class PoolVf(PoolVirtualFunction vf, PoolPf pf, int localIndex, PoolGroup group)
{
    public string Address { get; } = vf.Address;

    public int VfNumber { get; } = vf.VfNumber;

    public PoolPf Pf { get; } = pf;

    /// <summary>The index among the PF's VFs in address order.</summary>
    public int LocalIndex { get; } = localIndex;

    public PoolGroup Group { get; } = group;

    /// <summary>The position of the address among all VFs of the pool, the last tie-break of the ranking.</summary>
    public int Rank { get; set; }

    public string? TokenId { get; set; }

    public string? ConnectionId { get; set; }

    /// <summary>Unhealthy: never offered while free, though a connection may still hold it.</summary>
    public bool Fenced { get; set; }
}
