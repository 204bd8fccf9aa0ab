using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Allocation;

/// <summary>The indexes behind VF selection: which VF upstream's ranking picks, found without scanning or sorting VFs.</summary>
/// <remarks>
/// Per PF and group driver, the free VFs form an ordered bitmap (address order). Per resource name and group
/// driver, the PFs that have such a free VF sit in a heap keyed by (free VF count descending, address rank of
/// that first VF ascending), so the heap's top and its first VF are exactly upstream's best candidate. Holding
/// or releasing a VF touches its PF's heap entries and, when its group changes driver, the group's other VFs.
/// </remarks>
internal sealed class VfIndex
{
    private const int DriverCount = 3;
    private readonly PfHeap[] _heaps;

    public VfIndex(IReadOnlyList<PoolPhysicalFunction> physicalFunctions)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var pfAddresses = new HashSet<string>(StringComparer.Ordinal);
        var vfs = new Dictionary<string, PoolVf>(StringComparer.Ordinal);
        var groups = new Dictionary<int, PoolGroup>();
        var pfs = new PoolPf[physicalFunctions.Count];
        for (var i = 0; i < pfs.Length; i++)
        {
            var source = physicalFunctions[i];
            if (!pfAddresses.Add(source.Address))
            {
                throw new ArgumentException($"PF {source.Address} is listed twice", nameof(physicalFunctions));
            }

            var pfNames = source.ResourceNames.Distinct(StringComparer.Ordinal).ToArray();
            var indices = pfNames.Select(name => names.TryGetValue(name, out var n) ? n : names[name] = names.Count).ToArray();
            var sorted = source.VirtualFunctions.OrderBy(vf => vf.Address, StringComparer.Ordinal).ToArray();
            var pf = pfs[i] = new PoolPf(i, source.Address, pfNames, indices, sorted.Length);
            for (var local = 0; local < sorted.Length; local++)
            {
                var vf = sorted[local];
                if (!groups.TryGetValue(vf.IommuGroup, out var group))
                {
                    groups[vf.IommuGroup] = group = new PoolGroup(vf.IommuGroup);
                }

                var poolVf = new PoolVf(vf, pf, local, group);
                if (!vfs.TryAdd(vf.Address, poolVf))
                {
                    throw new ArgumentException(
                        $"VF {vf.Address} is listed twice (PF {vfs[vf.Address].Pf.Address} and PF {pf.Address})",
                        nameof(physicalFunctions));
                }

                pf.Vfs[local] = poolVf;
                group.Vfs.Add(poolVf);
                pf.FreeByDriver[(int)VfDriver.NoDriver].Add(local);
            }
        }

        var rank = 0;
        foreach (var vf in vfs.Values.OrderBy(vf => vf.Address, StringComparer.Ordinal))
        {
            vf.Rank = rank++;
        }

        Pfs = pfs;
        Vfs = vfs;
        Groups = groups;
        NameIndices = names;
        _heaps = new PfHeap[names.Count * DriverCount];
        for (var i = 0; i < _heaps.Length; i++)
        {
            _heaps[i] = new PfHeap(pfs.Length);
        }

        foreach (var pf in pfs)
        {
            UpdateHeaps(pf);
        }
    }

    public PoolPf[] Pfs { get; }

    public Dictionary<string, PoolVf> Vfs { get; }

    public Dictionary<int, PoolGroup> Groups { get; }

    public Dictionary<string, int> NameIndices { get; }

    /// <summary>Upstream's best free VF for the name and driver, or null.</summary>
    public PoolVf? FindBest(int nameIndex, VfDriver driver) =>
        FirstOf(_heaps[(nameIndex * DriverCount) + (int)driver], driver)
        ?? FirstOf(_heaps[(nameIndex * DriverCount) + (int)VfDriver.NoDriver], VfDriver.NoDriver);

    public void Hold(PoolVf vf, string tokenId, string connectionId, VfDriver driver)
    {
        var pf = vf.Pf;
        var group = vf.Group;
        vf.TokenId = tokenId;
        vf.ConnectionId = connectionId;
        if (!vf.Fenced)
        {
            pf.FreeByDriver[(int)group.Driver].Remove(vf.LocalIndex);
            pf.FreeCount--;
        }

        group.InUse++;
        if (group.Driver != driver)
        {
            SetDriver(group, driver);
        }

        UpdateHeaps(pf);
    }

    /// <summary>Releases a held VF; returns true when its group went back to no-driver.</summary>
    public bool Release(PoolVf vf)
    {
        var pf = vf.Pf;
        var group = vf.Group;
        vf.TokenId = null;
        vf.ConnectionId = null;
        if (!vf.Fenced)
        {
            pf.FreeByDriver[(int)group.Driver].Add(vf.LocalIndex);
            pf.FreeCount++;
        }

        group.InUse--;
        var released = group.InUse == 0;
        if (released)
        {
            SetDriver(group, VfDriver.NoDriver);
        }

        UpdateHeaps(pf);
        return released;
    }

    /// <summary>Fences an unhealthy VF off the free indexes (or puts it back); a held VF stays held either way.</summary>
    public void SetFenced(PoolVf vf, bool fenced)
    {
        if (vf.Fenced == fenced)
        {
            return;
        }

        vf.Fenced = fenced;
        if (vf.TokenId is not null)
        {
            return;
        }

        var pf = vf.Pf;
        if (fenced)
        {
            pf.FreeByDriver[(int)vf.Group.Driver].Remove(vf.LocalIndex);
            pf.FreeCount--;
        }
        else
        {
            pf.FreeByDriver[(int)vf.Group.Driver].Add(vf.LocalIndex);
            pf.FreeCount++;
        }

        UpdateHeaps(pf);
    }

    public void CheckInvariants()
    {
        foreach (var pf in Pfs)
        {
            var free = pf.Vfs.Count(vf => vf.TokenId is null && !vf.Fenced);
            if (free != pf.FreeCount)
            {
                throw new InvalidOperationException($"PF {pf.Address} counts {pf.FreeCount} free VFs but {free} are free");
            }

            foreach (var vf in pf.Vfs)
            {
                for (var driver = 0; driver < DriverCount; driver++)
                {
                    var expected = vf.TokenId is null && !vf.Fenced && (int)vf.Group.Driver == driver;
                    if (pf.FreeByDriver[driver].Contains(vf.LocalIndex) != expected)
                    {
                        throw new InvalidOperationException($"VF {vf.Address} is misfiled in the free index of {(VfDriver)driver}");
                    }
                }
            }

            for (var driver = 0; driver < DriverCount; driver++)
            {
                CheckHeapEntries(pf, (VfDriver)driver);
            }
        }

        foreach (var group in Groups.Values)
        {
            var inUse = group.Vfs.Count(vf => vf.TokenId is not null);
            if (inUse != group.InUse || (inUse == 0) != (group.Driver == VfDriver.NoDriver))
            {
                throw new InvalidOperationException(
                    $"IOMMU group {group.Number} counts {group.InUse} in use ({inUse} held) with driver {group.Driver.ToUpstreamString()}");
            }
        }

        if (_heaps.Any(heap => !heap.IsValid()))
        {
            throw new InvalidOperationException("a PF heap is out of order");
        }
    }

    private static long KeyOf(PoolPf pf, int firstLocal) =>
        ((long)(int.MaxValue - pf.FreeCount) << 32) | (uint)pf.Vfs[firstLocal].Rank;

    private PoolVf? FirstOf(PfHeap heap, VfDriver driver)
    {
        var top = heap.Top;
        return top < 0 ? null : Pfs[top].Vfs[Pfs[top].FreeByDriver[(int)driver].First()];
    }

    private void CheckHeapEntries(PoolPf pf, VfDriver driver)
    {
        var first = pf.FreeByDriver[(int)driver].First();
        foreach (var name in pf.NameIndices)
        {
            var heap = _heaps[(name * DriverCount) + (int)driver];
            if (heap.Contains(pf.Index) != (first >= 0) || (first >= 0 && heap.KeyOf(pf.Index) != KeyOf(pf, first)))
            {
                throw new InvalidOperationException($"PF {pf.Address} has a stale heap entry for {driver.ToUpstreamString()}");
            }
        }
    }

    private void SetDriver(PoolGroup group, VfDriver driver)
    {
        var old = (int)group.Driver;
        group.Driver = driver;
        foreach (var vf in group.Vfs)
        {
            if (vf.TokenId is null && !vf.Fenced)
            {
                vf.Pf.FreeByDriver[old].Remove(vf.LocalIndex);
                vf.Pf.FreeByDriver[(int)driver].Add(vf.LocalIndex);
                UpdateHeaps(vf.Pf);
            }
        }
    }

    private void UpdateHeaps(PoolPf pf)
    {
        for (var driver = 0; driver < DriverCount; driver++)
        {
            var first = pf.FreeByDriver[driver].First();
            foreach (var name in pf.NameIndices)
            {
                var heap = _heaps[(name * DriverCount) + driver];
                if (first < 0)
                {
                    heap.Remove(pf.Index);
                }
                else
                {
                    heap.Set(pf.Index, KeyOf(pf, first));
                }
            }
        }
    }
}
