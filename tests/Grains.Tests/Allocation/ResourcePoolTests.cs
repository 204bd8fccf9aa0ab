using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;
using static SriovForwarder.Grains.Tests.Allocation.UpstreamFixtures;

namespace SriovForwarder.Grains.Tests.Allocation;

public sealed class ResourcePoolTests
{
    [Fact]
    public void Select_SameTokenSameDriverTwice_ReturnsSameVf()
    {
        var (tokens, pool) = NewResourcePool();
        var token = IdsOf(tokens, "sd1/intel")[0];

        var first = pool.Select(token, "conn-1", VfDriver.VfioPci);
        var second = pool.Select(token, "conn-1", VfDriver.VfioPci);

        Assert.Equal("0000:01:00.1", first.VfAddress);
        Assert.False(first.IsRefresh);
        Assert.Equal("0000:01:00.1", second.VfAddress);
        Assert.True(second.IsRefresh);
        pool.CheckInvariants();
    }

    [Fact]
    public void Select_DriverChange_FollowsUpstreamSequence()
    {
        var (tokens, pool) = NewResourcePool();
        var t1 = IdsOf(tokens, "sd1/intel")[0];
        var sd2Intel = IdsOf(tokens, "sd2/intel");

        Assert.Equal("0000:01:00.1", pool.Select(t1, "c1", VfDriver.VfioPci).VfAddress);
        Assert.Equal("0000:02:00.2", pool.Select(sd2Intel[0], "c2", VfDriver.Kernel).VfAddress);
        var changed = pool.Select(sd2Intel[0], "c2", VfDriver.VfioPci);
        Assert.Equal("0000:03:00.1", changed.VfAddress);
        Assert.Equal("0000:02:00.2", changed.ReleasedVfAddress);
        Assert.Equal("0000:02:00.2", pool.Select(sd2Intel[1], "c3", VfDriver.Kernel).VfAddress);

        var groups = pool.Snapshot().IommuGroups.ToDictionary(group => group.Group, group => group.DriverType);
        Assert.Equal(VfDriver.VfioPci, groups[1]);
        Assert.Equal(VfDriver.Kernel, groups[2]);
        pool.CheckInvariants();
    }

    [Fact]
    public void Select_CapabilityOfferedByOnePf_PicksLowestAddressOfThatPf()
    {
        var (tokens, pool) = NewResourcePool();

        Assert.Equal("0000:02:00.1", pool.Select(IdsOf(tokens, "sd2/10G")[0], "c", VfDriver.VfioPci).VfAddress);
    }

    [Fact]
    public void Select_FreshPool_PrefersPfWithMostFreeVfs()
    {
        var (tokens, pool) = NewResourcePool();

        var selection = pool.Select(IdsOf(tokens, "sd2/intel")[0], "c", VfDriver.VfioPci);

        Assert.Equal("0000:03:00.1", selection.VfAddress);
        Assert.Equal("0000:03:00.0", selection.PfAddress);
        Assert.Equal(0, selection.VfNumber);
        Assert.Equal(1, selection.IommuGroup);
    }

    [Fact]
    public void Select_AfterFree_SelectsSameVfAgain()
    {
        var (tokens, pool) = NewResourcePool();
        var token = IdsOf(tokens, "sd1/intel")[0];

        var first = pool.Select(token, "c", VfDriver.VfioPci);
        var released = pool.Free(first.VfAddress);
        var second = pool.Select(token, "c", VfDriver.VfioPci);

        Assert.Equal("0000:01:00.1", first.VfAddress);
        Assert.True(released.GroupReleased);
        Assert.Equal("0000:01:00.1", second.VfAddress);
    }

    [Fact]
    public void Select_TokenInUseByAnotherConnection_FailsAndKeepsFirstHolder()
    {
        var (tokens, pool) = NewResourcePool();
        var token = IdsOf(tokens, "sd2/intel")[0];
        pool.Select(token, "conn-a", VfDriver.Kernel);
        var before = pool.Snapshot();

        var error = Assert.Throws<AllocationException>(() => pool.Select(token, "conn-b", VfDriver.Kernel));

        Assert.Equal($"token {token} is already in use by connection conn-a", error.Message);
        Assert.Equal(AllocationError.TokenHeldByOtherConnection, error.Error);
        Assert.Equal(before.VirtualFunctions, pool.Snapshot().VirtualFunctions);
        Assert.True(pool.TryGetByConnection("conn-a", out var held));
        Assert.Equal(token, held.TokenId);
        Assert.False(pool.TryGetByConnection("conn-b", out _));
    }

    [Fact]
    public void Select_ConnectionAlreadyHoldsVfThroughOtherToken_Fails()
    {
        var (tokens, pool) = NewResourcePool();
        var ids = IdsOf(tokens, "sd2/intel");
        var held = pool.Select(ids[0], "conn-a", VfDriver.Kernel);

        var error = Assert.Throws<AllocationException>(() => pool.Select(ids[1], "conn-a", VfDriver.Kernel));

        Assert.Equal($"connection conn-a already holds VF {held.VfAddress} through token {ids[0]}", error.Message);
        Assert.Equal(TokenState.Free, tokens.GetState(ids[1]));
    }

    [Fact]
    public void Select_NoFreeVfForDriver_FailsNamingDriverAndResource()
    {
        var (tokens, pool) = NewResourcePool();
        pool.Select(IdsOf(tokens, "sd1/intel")[0], "c1", VfDriver.VfioPci);

        // PF 01's only VF is taken, so sd1/10G has nothing left (the VF check comes before the token's state, as upstream).
        var error = Assert.Throws<AllocationException>(() => pool.Select(IdsOf(tokens, "sd1/10G")[0], "c2", VfDriver.VfioPci));

        Assert.Equal("no free VF for the driver type: vfio-pci (resource sd1/10G)", error.Message);
        Assert.Equal(AllocationError.NoFreeVf, error.Error);
    }

    [Fact]
    public void Select_OnlyVfsInGroupOfOtherDriver_FailsForKernel()
    {
        var (tokens, pool) = NewResourcePool();
        var sd2Intel = IdsOf(tokens, "sd2/intel");
        pool.Select(sd2Intel[0], "c1", VfDriver.VfioPci);
        pool.Select(IdsOf(tokens, "sd2/10G")[1], "c2", VfDriver.Kernel);

        // 02:00.2 (group 2) is held and all other sd2 VFs are in group 1, dedicated to vfio-pci.
        var error = Assert.Throws<AllocationException>(() => pool.Select(sd2Intel[1], "c3", VfDriver.Kernel));

        Assert.Equal("no free VF for the driver type: kernel (resource sd2/intel)", error.Message);
    }

    [Fact]
    public void Select_FailedDriverChange_LeavesTokenAndVfAsTheyWere()
    {
        var config = new PoolPhysicalFunction[]
        {
            new("0000:01:00.0", ["sd/a"], [new("0000:01:00.1", 0, 1), new("0000:01:00.2", 1, 1), new("0000:01:00.3", 2, 2)]),
        };
        var tokens = new TokenPool(config);
        var pool = new ResourcePool(config, tokens);
        var ids = IdsOf(tokens, "sd/a");
        pool.Select(ids[0], "c1", VfDriver.Kernel);
        pool.Select(ids[1], "c2", VfDriver.Kernel);
        pool.Select(ids[2], "c3", VfDriver.VfioPci);

        // ids[0] leaves 01:00.1, but group 1 stays on kernel for ids[1] and 01:00.3 is taken: nothing for vfio-pci.
        var before = (pool.Snapshot(), tokens.Snapshot(), tokens.Version);

        Assert.Throws<AllocationException>(() => pool.Select(ids[0], "c1", VfDriver.VfioPci));

        var after = pool.Snapshot();
        Assert.Equal(before.Item1.VirtualFunctions, after.VirtualFunctions);
        Assert.Equal(before.Item1.IommuGroups, after.IommuGroups);
        Assert.Equal(before.Item2, tokens.Snapshot());
        Assert.Equal(before.Version, tokens.Version);
        pool.CheckInvariants();
    }

    [Fact]
    public void Select_UnknownToken_FailsWithTokenDoesntExist()
    {
        var (_, pool) = NewResourcePool();

        var error = Assert.Throws<AllocationException>(() => pool.Select("sriov-nope", "c", VfDriver.Kernel));

        Assert.Equal("token doesn't exist: sriov-nope", error.Message);
    }

    [Fact]
    public void Select_ClosedTokenWithFreeVfLeft_FailsAndLeavesPoolUntouched()
    {
        var config = new PoolPhysicalFunction[]
        {
            new("0000:01:00.0", ["sd/x", "sd/y"], [new("0000:01:00.1", 0, 1), new("0000:01:00.2", 1, 2)]),
        };
        var tokens = new TokenPool(config);
        var pool = new ResourcePool(config, tokens);
        pool.Select(IdsOf(tokens, "sd/x")[0], "c1", VfDriver.Kernel);
        var closed = IdsOf(tokens, "sd/y")[0];
        var before = (pool.Snapshot().VirtualFunctions, tokens.Snapshot());

        var error = Assert.Throws<AllocationException>(() => pool.Select(closed, "c2", VfDriver.Kernel));

        Assert.Equal($"token is closed: sd/y:{closed}", error.Message);
        Assert.Equal(before.VirtualFunctions, pool.Snapshot().VirtualFunctions);
        Assert.Equal(before.Item2, tokens.Snapshot());
        pool.CheckInvariants();
    }

    [Fact]
    public void Select_NoDriver_IsRejected()
    {
        var (tokens, pool) = NewResourcePool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Select(IdsOf(tokens, "sd1/intel")[0], "c", VfDriver.NoDriver));
    }

    [Fact]
    public void Free_UnknownOrNotSelectedVf_FailsAsUpstream()
    {
        var (_, pool) = NewResourcePool();

        var unknown = Assert.Throws<AllocationException>(() => pool.Free("0000:09:00.1"));
        var notSelected = Assert.Throws<AllocationException>(() => pool.Free("0000:01:00.1"));

        Assert.Equal("VF doesn't exist: 0000:09:00.1", unknown.Message);
        Assert.Equal(AllocationError.VfNotFound, unknown.Error);
        Assert.Equal("trying to free not selected VF: 0000:01:00.1", notSelected.Message);
        Assert.Equal(AllocationError.VfNotSelected, notSelected.Error);
    }

    [Fact]
    public void Free_GroupStillUsedElsewhere_KeepsGroupDriver()
    {
        var (tokens, pool) = NewResourcePool();
        var sd2Intel = IdsOf(tokens, "sd2/intel");
        var a = pool.Select(sd2Intel[0], "c1", VfDriver.VfioPci);
        var b = pool.Select(sd2Intel[1], "c2", VfDriver.VfioPci);

        var released = pool.Free(a.VfAddress);

        Assert.Equal(1, a.IommuGroup);
        Assert.Equal(1, b.IommuGroup);
        Assert.False(released.GroupReleased);
        Assert.Equal(VfDriver.VfioPci, pool.Snapshot().IommuGroups.Single(group => group.Group == 1).DriverType);
        Assert.Equal(TokenState.Allocated, tokens.GetState(sd2Intel[0]));
        pool.CheckInvariants();
    }

    [Fact]
    public void Free_TokenAlreadyStoppedByKubelet_StillReleasesVf()
    {
        var (tokens, pool) = NewResourcePool();
        var token = IdsOf(tokens, "sd2/intel")[0];
        var selection = pool.Select(token, "c", VfDriver.Kernel);
        tokens.Allocate(token);

        var released = pool.Free(selection.VfAddress);

        Assert.Equal(token, released.TokenId);
        Assert.Equal(6, pool.Snapshot().PhysicalFunctions.Sum(pf => pf.Free));
        pool.CheckInvariants();
    }

    [Fact]
    public void Reserve_FreeVfOfTokensName_HoldsExactlyThatVf()
    {
        var (tokens, pool) = NewResourcePool();
        var token = IdsOf(tokens, "sd2/intel")[0];

        var selection = pool.Reserve(token, "c", VfDriver.Kernel, "0000:03:00.3");

        Assert.Equal("0000:03:00.3", selection.VfAddress);
        Assert.Equal(TokenState.InUse, tokens.GetState(token));
        Assert.Equal(VfDriver.Kernel, pool.Snapshot().IommuGroups.Single(group => group.Group == 1).DriverType);
        pool.CheckInvariants();
    }

    [Fact]
    public void Reserve_VfOfOtherName_FailsAndChangesNothing()
    {
        var (tokens, pool) = NewResourcePool();
        var token = IdsOf(tokens, "sd1/intel")[0];

        var error = Assert.Throws<AllocationException>(() => pool.Reserve(token, "c", VfDriver.Kernel, "0000:03:00.3"));

        Assert.Equal("VF 0000:03:00.3 is not offered to sd1/intel", error.Message);
        Assert.Equal(0, pool.InUse);
        Assert.Equal(TokenState.Free, tokens.GetState(token));
    }

    [Fact]
    public void Snapshot_AfterSelections_ReportsCountsGroupsAndHolders()
    {
        var (tokens, pool) = NewResourcePool();
        var token = IdsOf(tokens, "sd2/intel")[0];
        pool.Select(token, "conn-x", VfDriver.Kernel);

        var snapshot = pool.Snapshot();

        Assert.Equal(
            [("0000:01:00.0", 1, 1, 0), ("0000:02:00.0", 2, 2, 0), ("0000:03:00.0", 3, 2, 1)],
            snapshot.PhysicalFunctions.Select(pf => (pf.Address, pf.Total, pf.Free, pf.InUse)));
        var vf = snapshot.VirtualFunctions.Single(vf => vf.TokenId is not null);
        Assert.Equal(("0000:03:00.1", token, "conn-x", VfDriver.Kernel), (vf.Address, vf.TokenId, vf.ConnectionId, vf.DriverType));
        Assert.Equal([(1, VfDriver.Kernel, 1), (2, VfDriver.NoDriver, 0)], snapshot.IommuGroups.Select(g => (g.Group, g.DriverType, g.InUse)));
    }

    [Fact]
    public void TokensChanged_DuringSelectAndFree_SeesTheResourcePoolAlreadyUpdated()
    {
        var (tokens, pool) = NewResourcePool();
        var seen = new List<int>();
        tokens.Changed += () => seen.Add(pool.InUse);

        var selection = pool.Select(IdsOf(tokens, "sd2/intel")[0], "c", VfDriver.Kernel);
        pool.Free(selection.VfAddress);

        Assert.Equal([1, 0], seen);
    }

    [Fact]
    public void Constructor_DuplicateVfAddress_FailsNamingBothPfs()
    {
        var config = new PoolPhysicalFunction[]
        {
            new("0000:01:00.0", ["sd/a"], [new("0000:01:00.1", 0, 1)]),
            new("0000:02:00.0", ["sd/a"], [new("0000:01:00.1", 0, 1)]),
        };

        var error = Assert.Throws<ArgumentException>(() => new ResourcePool(config, new TokenPool(config)));

        Assert.Contains("VF 0000:01:00.1 is listed twice (PF 0000:01:00.0 and PF 0000:02:00.0)", error.Message, StringComparison.Ordinal);
    }
}
