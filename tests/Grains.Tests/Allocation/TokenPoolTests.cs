using SriovForwarder.Grains.Allocation;
using static SriovForwarder.Grains.Tests.Allocation.UpstreamFixtures;

namespace SriovForwarder.Grains.Tests.Allocation;

public sealed class TokenPoolTests
{
    private static readonly string[] Pf2Names = ["sd1/intel", "sd1/20G", "sd2/intel", "sd2/20G"];

    [Fact]
    public void Constructor_UpstreamConfig_GivesEachNameTheVfCountOfItsPfs()
    {
        var pool = new TokenPool(TokenPoolConfig());

        var expected = new Dictionary<string, int>
        {
            ["sd1/intel"] = 4,
            ["sd1/10G"] = 1,
            ["sd1/20G"] = 3,
            ["sd2/intel"] = 3,
            ["sd2/20G"] = 3,
        };
        Assert.Equal(expected, AvailableCounts(pool));
        Assert.All(pool.Snapshot(), token => Assert.Equal(TokenState.Free, token.State));
        Assert.All(pool.Snapshot(), token => Assert.True(TokenId.IsTokenId(token.Id)));
        Assert.Equal(14, pool.Snapshot().Select(token => token.Id).Distinct().Count());
    }

    [Fact]
    public void Use_AllThreeSd220GTokens_ClosesSiblingsAsUpstreamWorkedExample()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var ids = IdsOf(pool, "sd2/20G");

        foreach (var id in ids)
        {
            pool.Use(id, Pf2Names);
        }

        Assert.Equal(
            new Dictionary<string, int> { ["sd1/intel"] = 1, ["sd1/10G"] = 1, ["sd1/20G"] = 0, ["sd2/intel"] = 0, ["sd2/20G"] = 3 },
            AvailableCounts(pool));

        pool.StopUsing(ids[0]);

        Assert.Equal(
            new Dictionary<string, int> { ["sd1/intel"] = 2, ["sd1/10G"] = 1, ["sd1/20G"] = 1, ["sd2/intel"] = 1, ["sd2/20G"] = 3 },
            AvailableCounts(pool));
        Assert.Equal(TokenState.Allocated, pool.GetState(ids[0]));
        pool.CheckInvariants();
    }

    [Fact]
    public void Use_FreeSiblingExists_ClosesFirstFreeInListOrder()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var intel = IdsOf(pool, "sd1/intel");
        pool.Allocate(intel[0]);

        pool.Use(IdsOf(pool, "sd2/20G")[0], Pf2Names);

        Assert.Equal(TokenState.Allocated, pool.GetState(intel[0]));
        Assert.Equal(TokenState.Closed, pool.GetState(intel[1]));
        Assert.Equal(TokenState.Free, pool.GetState(intel[2]));
    }

    [Fact]
    public void Use_OnlyAllocatedSiblings_ClosesFirstAllocated()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var sd2Intel = IdsOf(pool, "sd2/intel");
        foreach (var id in sd2Intel)
        {
            pool.Allocate(id);
        }

        var user = IdsOf(pool, "sd2/20G")[0];
        pool.Use(user, Pf2Names);

        Assert.Equal([TokenState.Closed, TokenState.Allocated, TokenState.Allocated], sd2Intel.Select(pool.GetState));
        Assert.Equal(user, pool.Snapshot().Single(token => token.Id == sd2Intel[0]).ClosedBy);
    }

    [Fact]
    public void StopUsing_SiblingWasAllocatedBeforeClosing_ReopensItAsFree()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var sd2Intel = IdsOf(pool, "sd2/intel");
        foreach (var id in sd2Intel)
        {
            pool.Allocate(id);
        }

        var user = IdsOf(pool, "sd2/20G")[0];
        pool.Use(user, Pf2Names);
        pool.StopUsing(user);

        // Upstream's quirk: the allocation of a closed token is forgotten when it re-opens.
        Assert.Equal(TokenState.Free, pool.GetState(sd2Intel[0]));
        Assert.Null(pool.Snapshot().Single(token => token.Id == sd2Intel[0]).ClosedBy);
    }

    [Fact]
    public void Allocate_EachState_FollowsUpstreamTable()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var ids = IdsOf(pool, "sd2/20G");
        var intel = IdsOf(pool, "sd1/intel");

        pool.Allocate(ids[0]);
        Assert.Equal(TokenState.Allocated, pool.GetState(ids[0]));
        pool.Allocate(ids[0]);
        Assert.Equal(TokenState.Allocated, pool.GetState(ids[0]));

        pool.Use(ids[1], Pf2Names);
        Assert.Equal(TokenState.Closed, pool.GetState(intel[0]));
        pool.Allocate(ids[1]);
        Assert.Equal(TokenState.Allocated, pool.GetState(ids[1]));
        Assert.Equal(TokenState.Free, pool.GetState(intel[0]));
    }

    [Fact]
    public void Allocate_ClosedToken_FailsNamingNameAndId()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var closed = IdsOf(pool, "sd1/intel")[0];
        pool.Use(IdsOf(pool, "sd1/10G")[0], ["sd1/intel", "sd1/10G"]);

        var error = Assert.Throws<AllocationException>(() => pool.Allocate(closed));

        Assert.Equal($"token is closed: sd1/intel:{closed}", error.Message);
        Assert.Equal(AllocationError.TokenClosed, error.Error);
        Assert.Equal(TokenState.Closed, pool.GetState(closed));
    }

    [Fact]
    public void Operations_UnknownId_FailWithTokenDoesntExist()
    {
        var pool = new TokenPool(TokenPoolConfig());
        const string Unknown = "sriov-00000000-0000-4000-8000-000000000000";
        var expected = $"token doesn't exist: {Unknown}";

        Assert.Equal(expected, Assert.Throws<AllocationException>(() => pool.Allocate(Unknown)).Message);
        Assert.Equal(expected, Assert.Throws<AllocationException>(() => pool.Free(Unknown)).Message);
        Assert.Equal(expected, Assert.Throws<AllocationException>(() => pool.Use(Unknown, Pf2Names)).Message);
        Assert.Equal(expected, Assert.Throws<AllocationException>(() => pool.StopUsing(Unknown)).Message);
        Assert.Equal(AllocationError.TokenNotFound, Assert.Throws<AllocationException>(() => pool.Find(Unknown)).Error);
    }

    [Fact]
    public void Free_EachState_FollowsUpstreamTable()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var ids = IdsOf(pool, "sd2/20G");
        var intel = IdsOf(pool, "sd1/intel");

        pool.Free(ids[0]);
        Assert.Equal(TokenState.Free, pool.GetState(ids[0]));

        pool.Allocate(ids[0]);
        pool.Free(ids[0]);
        Assert.Equal(TokenState.Free, pool.GetState(ids[0]));

        pool.Use(ids[1], Pf2Names);
        pool.Free(intel[0]);
        Assert.Equal(TokenState.Closed, pool.GetState(intel[0]));

        pool.Free(ids[1]);
        Assert.Equal(TokenState.Free, pool.GetState(ids[1]));
        Assert.Equal(TokenState.Free, pool.GetState(intel[0]));
        pool.CheckInvariants();
    }

    [Fact]
    public void Use_InUseOrClosedToken_FailsAndChangesNothing()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var user = IdsOf(pool, "sd2/20G")[0];
        var closed = IdsOf(pool, "sd1/intel")[0];
        pool.Use(user, Pf2Names);
        var before = pool.Snapshot();

        var inUse = Assert.Throws<AllocationException>(() => pool.Use(user, Pf2Names));
        var isClosed = Assert.Throws<AllocationException>(() => pool.Use(closed, Pf2Names));

        Assert.Equal($"token is inUse: sd2/20G:{user}", inUse.Message);
        Assert.Equal($"token is closed: sd1/intel:{closed}", isClosed.Message);
        Assert.Equal(before, pool.Snapshot());
    }

    [Fact]
    public void StopUsing_TokenNotInUse_FailsNamingItsState()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var ids = IdsOf(pool, "sd2/20G");
        var closed = IdsOf(pool, "sd1/intel")[0];
        pool.Allocate(ids[1]);
        pool.Use(ids[2], Pf2Names);

        Assert.Equal($"token is not in use: sd2/20G:{ids[0]} - free", Assert.Throws<AllocationException>(() => pool.StopUsing(ids[0])).Message);
        Assert.Equal($"token is not in use: sd2/20G:{ids[1]} - allocated", Assert.Throws<AllocationException>(() => pool.StopUsing(ids[1])).Message);
        Assert.Equal($"token is not in use: sd1/intel:{closed} - closed", Assert.Throws<AllocationException>(() => pool.StopUsing(closed)).Message);
    }

    [Fact]
    public void Find_KnownToken_ReturnsItsName()
    {
        var pool = new TokenPool(TokenPoolConfig());

        Assert.Equal("sd1/10G", pool.Find(IdsOf(pool, "sd1/10G")[0]));
    }

    [Fact]
    public void Changed_UseAndStopUsingTransitions_FireSynchronouslyAndBumpVersion()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var ids = IdsOf(pool, "sd2/20G");
        var fired = 0;
        pool.Changed += () => fired++;

        pool.Allocate(ids[0]);
        pool.Free(ids[0]);
        Assert.Equal(0, fired);

        pool.Use(ids[0], Pf2Names);
        Assert.Equal(1, fired);
        pool.StopUsing(ids[0]);
        pool.Use(ids[1], Pf2Names);
        pool.Allocate(ids[1]);
        pool.Use(ids[2], Pf2Names);
        pool.Free(ids[2]);
        Assert.Throws<AllocationException>(() => pool.StopUsing(ids[2]));

        Assert.Equal(6, fired);
        Assert.Equal(6, pool.Version);
    }

    [Fact]
    public void Restore_AllIdsOfAnotherPool_ReportsTheSameTokens()
    {
        var first = new TokenPool(TokenPoolConfig());
        var ids = first.Tokens().ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<string>)[.. pair.Value.Keys]);
        var second = new TokenPool(TokenPoolConfig());

        second.Restore(ids);

        var expected = first.Tokens();
        var actual = second.Tokens();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, tokens) in expected)
        {
            Assert.Equal(tokens.OrderBy(pair => pair.Key, StringComparer.Ordinal), actual[name].OrderBy(pair => pair.Key, StringComparer.Ordinal));
        }

        Assert.All(second.Snapshot(), token => Assert.Equal(TokenState.Allocated, token.State));
        second.CheckInvariants();
    }

    [Fact]
    public void Restore_UnknownNameAndSurplusIds_AreIgnored()
    {
        var pool = new TokenPool(TokenPoolConfig());
        var untouched = IdsOf(pool, "sd2/20G");

        pool.Restore(new Dictionary<string, IReadOnlyList<string>>
        {
            ["sd1/10G"] = ["kept", "surplus"],
            ["sd2/20G"] = ["first"],
            ["other/name"] = ["ignored"],
        });

        Assert.Equal(["kept"], IdsOf(pool, "sd1/10G"));
        Assert.Equal(["first", untouched[1], untouched[2]], IdsOf(pool, "sd2/20G"));
        Assert.Equal(TokenState.Allocated, pool.GetState("first"));
        Assert.Equal(TokenState.Free, pool.GetState(untouched[1]));
        Assert.False(pool.Contains(untouched[0]));
        Assert.False(pool.Contains("ignored"));
        Assert.False(pool.Contains("surplus"));
        pool.CheckInvariants();
    }

    [Fact]
    public void Restore_AfterAccessOrSecondTime_FailsAsUpstream()
    {
        var accessed = new TokenPool(TokenPoolConfig());
        _ = accessed.Tokens();
        var restored = new TokenPool(TokenPoolConfig());
        restored.Restore(new Dictionary<string, IReadOnlyList<string>>());

        var first = Assert.Throws<AllocationException>(() => accessed.Restore(new Dictionary<string, IReadOnlyList<string>>()));
        var second = Assert.Throws<AllocationException>(() => restored.Restore(new Dictionary<string, IReadOnlyList<string>>()));

        Assert.Equal("token pool has already been accessed", first.Message);
        Assert.Equal(AllocationError.PoolAlreadyAccessed, second.Error);
    }
}
