using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Allocation;

/// <summary>VF selection and reservation with upstream's ranking and one driver per IOMMU group (not thread-safe: the node grain serialises calls).</summary>
/// <remarks>
/// A decision costs a few dictionary lookups and heap updates, independent of the number of VFs (see
/// <see cref="VfIndex"/>). Every failed operation leaves the resource pool and the token pool as they were.
/// Token-pool calls that raise <see cref="TokenPool.Changed"/> come after the resource pool's own change, so a
/// handler already sees the new VF state.
/// Unlike upstream, a token holds its VF for one connection only (bug #19), and a VF whose token was already
/// stopped through the token pool (kubelet re-allocated or freed it) can still be freed.
/// </remarks>
public sealed class ResourcePool
{
    private readonly VfIndex _index;
    private readonly Dictionary<string, PoolVf> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PoolVf> _byConnection = new(StringComparer.Ordinal);

    /// <summary>Creates the pool; every VF starts free and every IOMMU group starts as no-driver.</summary>
    /// <param name="physicalFunctions">The PFs, the same ones the token pool was built from.</param>
    /// <param name="tokens">The node's token pool; Select uses tokens in it and Free stops using them.</param>
    /// <exception cref="ArgumentException">A PF or VF address is listed twice.</exception>
    public ResourcePool(IEnumerable<PoolPhysicalFunction> physicalFunctions, TokenPool tokens)
    {
        ArgumentNullException.ThrowIfNull(physicalFunctions);
        ArgumentNullException.ThrowIfNull(tokens);
        _index = new VfIndex(physicalFunctions.ToList());
        Tokens = tokens;
    }

    /// <summary>The token pool this pool uses tokens of.</summary>
    public TokenPool Tokens { get; }

    /// <summary>The number of VFs.</summary>
    public int Count => _index.Vfs.Count;

    /// <summary>The number of VFs held by a token.</summary>
    public int InUse => _byToken.Count;

    /// <summary>
    /// Selects a VF for the token and connection and dedicates its IOMMU group to the driver (upstream's §5.3.1):
    /// the same token, connection and driver again return the held VF; another driver releases it and selects anew.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The driver type is <see cref="VfDriver.NoDriver"/>.</exception>
    /// <exception cref="AllocationException">
    /// Unknown, closed or in-use token; <c>token &lt;id&gt; is already in use by connection &lt;other&gt;</c>;
    /// <c>no free VF for the driver type: &lt;type&gt; (resource &lt;name&gt;)</c>. Nothing changed.
    /// </exception>
    public VfSelection Select(string tokenId, string connectionId, VfDriver driverType)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        ArgumentNullException.ThrowIfNull(connectionId);
        if (driverType is not (VfDriver.Kernel or VfDriver.VfioPci))
        {
            throw new ArgumentOutOfRangeException(nameof(driverType), driverType, "a VF can be selected for kernel or vfio-pci only");
        }

        if (_byToken.TryGetValue(tokenId, out var held))
        {
            if (!string.Equals(held.ConnectionId, connectionId, StringComparison.Ordinal))
            {
                throw new AllocationException(
                    AllocationError.TokenHeldByOtherConnection,
                    $"token {tokenId} is already in use by connection {held.ConnectionId}");
            }

            return held.Group.Driver == driverType
                ? Refresh(held, tokenId, connectionId)
                : Reselect(held, tokenId, connectionId, driverType);
        }

        if (_byConnection.TryGetValue(connectionId, out var other))
        {
            throw new AllocationException(
                AllocationError.ConnectionHoldsOtherToken,
                $"connection {connectionId} already holds VF {other.Address} through token {other.TokenId}");
        }

        var name = Tokens.Find(tokenId);
        var best = FindBest(name, driverType);
        Tokens.ThrowIfNotUsable(tokenId);
        Hold(best, tokenId, connectionId, driverType);
        Tokens.Use(tokenId, best.Pf.Names);
        return ToSelection(best, driverType, isRefresh: false, released: null);
    }

    /// <summary>
    /// Takes a given VF for a token and connection, e.g. to restore a persisted reservation after a restart;
    /// the VF must be free, offered to the token's name and its group on no-driver or the same driver.
    /// </summary>
    /// <exception cref="AllocationException">The token or VF is unknown or not available; nothing changed.</exception>
    public VfSelection Reserve(string tokenId, string connectionId, VfDriver driverType, string vfAddress)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        ArgumentNullException.ThrowIfNull(connectionId);
        if (driverType is not (VfDriver.Kernel or VfDriver.VfioPci))
        {
            throw new ArgumentOutOfRangeException(nameof(driverType), driverType, "a VF can be reserved for kernel or vfio-pci only");
        }

        var vf = GetVf(vfAddress);
        if (_byToken.TryGetValue(tokenId, out var held))
        {
            if (ReferenceEquals(held, vf) && string.Equals(held.ConnectionId, connectionId, StringComparison.Ordinal)
                && held.Group.Driver == driverType)
            {
                return Refresh(held, tokenId, connectionId);
            }

            throw new AllocationException(
                AllocationError.TokenHeldByOtherConnection,
                $"token {tokenId} is already in use by connection {held.ConnectionId} (VF {held.Address})");
        }

        if (_byConnection.TryGetValue(connectionId, out var other))
        {
            throw new AllocationException(
                AllocationError.ConnectionHoldsOtherToken,
                $"connection {connectionId} already holds VF {other.Address} through token {other.TokenId}");
        }

        var name = Tokens.Find(tokenId);
        if (vf.TokenId is not null)
        {
            throw new AllocationException(AllocationError.NoFreeVf, $"VF {vf.Address} is already in use by token {vf.TokenId}");
        }

        if (!vf.Pf.Names.Contains(name, StringComparer.Ordinal))
        {
            throw new AllocationException(AllocationError.NoFreeVf, $"VF {vf.Address} is not offered to {name}");
        }

        if (vf.Group.Driver != VfDriver.NoDriver && vf.Group.Driver != driverType)
        {
            throw new AllocationException(
                AllocationError.NoFreeVf,
                $"VF {vf.Address} is in IOMMU group {vf.Group.Number}, dedicated to {vf.Group.Driver.ToUpstreamString()}, not {driverType.ToUpstreamString()}");
        }

        Tokens.ThrowIfNotUsable(tokenId);
        Hold(vf, tokenId, connectionId, driverType);
        Tokens.Use(tokenId, vf.Pf.Names);
        return ToSelection(vf, driverType, isRefresh: false, released: null);
    }

    /// <summary>Releases a VF (upstream's §5.3.2): stops using its token and, when no VF of its group is in use, returns the group to no-driver.</summary>
    /// <exception cref="AllocationException"><c>VF doesn't exist: &lt;addr&gt;</c> or <c>trying to free not selected VF: &lt;addr&gt;</c>; nothing changed.</exception>
    public VfRelease Free(string vfAddress)
    {
        var vf = GetVf(vfAddress);
        if (vf.TokenId is not { } tokenId || vf.ConnectionId is not { } connectionId)
        {
            throw new AllocationException(AllocationError.VfNotSelected, $"trying to free not selected VF: {vfAddress}");
        }

        // Kubelet's Allocate or Free may already have stopped using the token; the VF must still come back.
        var group = vf.Group.Number;
        var released = Release(vf);
        Tokens.StopUsingIfInUse(tokenId);
        return new VfRelease(vf.Address, vf.Pf.Address, group, tokenId, connectionId, released);
    }

    /// <summary>
    /// Marks a VF usable or not (its health): an unusable VF is never selected while free; a connection holding it keeps
    /// it until it lets go. Returns false for an unknown address.
    /// </summary>
    public bool SetUsable(string vfAddress, bool usable)
    {
        if (!_index.Vfs.TryGetValue(vfAddress, out var vf))
        {
            return false;
        }

        _index.SetFenced(vf, !usable);
        return true;
    }

    /// <summary>The VF a connection holds, if any.</summary>
    public bool TryGetByConnection(string connectionId, out VfSelection selection) =>
        TryGet(_byConnection, connectionId, out selection);

    /// <summary>The VF a token holds, if any.</summary>
    public bool TryGetByToken(string tokenId, out VfSelection selection) =>
        TryGet(_byToken, tokenId, out selection);

    /// <summary>A copy of the pool's state for the dashboard; O(VFs), allocates.</summary>
    public ResourcePoolSnapshot Snapshot()
    {
        var pfs = _index.Pfs
            .Select(pf => new PhysicalFunctionUsage(pf.Address, pf.Names, pf.Vfs.Length, pf.FreeCount, pf.Vfs.Count(vf => vf.TokenId is not null)))
            .ToList();
        var groups = _index.Groups.Values
            .OrderBy(group => group.Number)
            .Select(group => new IommuGroupUsage(group.Number, group.Driver, group.Vfs.Count, group.InUse))
            .ToList();
        var vfs = _index.Pfs
            .SelectMany(pf => pf.Vfs)
            .Select(vf => new VirtualFunctionUsage(vf.Address, vf.Pf.Address, vf.VfNumber, vf.Group.Number, vf.Group.Driver, vf.TokenId, vf.ConnectionId))
            .ToList();
        return new ResourcePoolSnapshot(pfs, groups, vfs);
    }

    /// <summary>Checks the pool's internal consistency and its agreement with the token pool; throws <see cref="InvalidOperationException"/> naming the first broken rule.</summary>
    public void CheckInvariants()
    {
        _index.CheckInvariants();
        var held = 0;
        foreach (var vf in _index.Vfs.Values)
        {
            if (vf.TokenId is null != vf.ConnectionId is null)
            {
                throw new InvalidOperationException($"VF {vf.Address} has a token without a connection or the reverse");
            }

            if (vf.TokenId is null)
            {
                continue;
            }

            held++;
            if (!_byToken.TryGetValue(vf.TokenId, out var byToken) || !ReferenceEquals(byToken, vf)
                || !_byConnection.TryGetValue(vf.ConnectionId!, out var byConnection) || !ReferenceEquals(byConnection, vf))
            {
                throw new InvalidOperationException($"VF {vf.Address} is not indexed by its token and connection");
            }

            if (Tokens.PeekName(vf.TokenId) is not { } name || !vf.Pf.Names.Contains(name, StringComparer.Ordinal))
            {
                throw new InvalidOperationException($"VF {vf.Address} is held by token {vf.TokenId}, unknown or of a name its PF does not offer");
            }
        }

        if (held != _byToken.Count || held != _byConnection.Count)
        {
            throw new InvalidOperationException($"{held} VFs held, {_byToken.Count} tokens and {_byConnection.Count} connections indexed");
        }

        Tokens.CheckInvariants();
    }

    private VfSelection Refresh(PoolVf held, string tokenId, string connectionId)
    {
        // The token was stopped behind our back (kubelet Allocate/Free): take it into use again, or fail unchanged.
        if (Tokens.GetState(tokenId) != TokenState.InUse)
        {
            Tokens.Use(tokenId, held.Pf.Names);
        }

        return ToSelection(held, held.Group.Driver, isRefresh: true, released: null);
    }

    private VfSelection Reselect(PoolVf held, string tokenId, string connectionId, VfDriver driverType)
    {
        var name = Tokens.Find(tokenId);
        var wasInUse = Tokens.GetState(tokenId) == TokenState.InUse;
        if (!wasInUse)
        {
            Tokens.ThrowIfNotUsable(tokenId);
        }

        // Upstream frees the held VF and then selects; release it in the index only, so that a failed
        // selection can put it back and leave everything (the token pool included) as it was.
        var oldDriver = held.Group.Driver;
        Release(held);
        PoolVf best;
        try
        {
            best = FindBest(name, driverType);
        }
        catch (AllocationException)
        {
            Hold(held, tokenId, connectionId, oldDriver);
            throw;
        }

        Hold(best, tokenId, connectionId, driverType);
        if (wasInUse)
        {
            Tokens.StopUsing(tokenId);
        }

        Tokens.Use(tokenId, best.Pf.Names);
        return ToSelection(best, driverType, isRefresh: false, released: ReferenceEquals(best, held) ? null : held.Address);
    }

    private PoolVf FindBest(string name, VfDriver driverType) =>
        (_index.NameIndices.TryGetValue(name, out var nameIndex) ? _index.FindBest(nameIndex, driverType) : null)
        ?? throw new AllocationException(
            AllocationError.NoFreeVf,
            $"no free VF for the driver type: {driverType.ToUpstreamString()} (resource {name})");

    private void Hold(PoolVf vf, string tokenId, string connectionId, VfDriver driverType)
    {
        _index.Hold(vf, tokenId, connectionId, driverType);
        _byToken.Add(tokenId, vf);
        _byConnection.Add(connectionId, vf);
    }

    private bool Release(PoolVf vf)
    {
        _byToken.Remove(vf.TokenId!);
        _byConnection.Remove(vf.ConnectionId!);
        return _index.Release(vf);
    }

    private PoolVf GetVf(string vfAddress) =>
        _index.Vfs.TryGetValue(vfAddress, out var vf)
            ? vf
            : throw new AllocationException(AllocationError.VfNotFound, $"VF doesn't exist: {vfAddress}");

    private static VfSelection ToSelection(PoolVf vf, VfDriver driverType, bool isRefresh, string? released) =>
        new(vf.Address, vf.Pf.Address, vf.VfNumber, vf.Group.Number, driverType, vf.TokenId!, vf.ConnectionId!, isRefresh, released);

    private static bool TryGet(Dictionary<string, PoolVf> map, string key, out VfSelection selection)
    {
        if (map.TryGetValue(key, out var vf))
        {
            selection = ToSelection(vf, vf.Group.Driver, isRefresh: true, released: null);
            return true;
        }

        selection = default;
        return false;
    }
}
