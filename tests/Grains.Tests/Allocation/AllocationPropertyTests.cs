using CsCheck;
using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Allocation;

public sealed class AllocationPropertyTests
{
    private static readonly string[] NamePool = ["sd1/a", "sd1/b", "sd2/a"];

    private static readonly Gen<PfShape> GenPf =
        Gen.Select(Gen.Int[1, 7], Gen.Int[1, 4].Array[1, 4], (mask, groups) => new PfShape(mask, groups));

    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 200], Gen.Int[0, 40], Gen.Int[0, 1], (kind, a, b, c) => new Op(kind, a, b, c));

    [Fact]
    public void RandomSequences_OnRandomConfigs_KeepEveryInvariant() =>
        Gen.Select(GenPf.Array[1, 3], GenOp.Array[1, 60]).Sample((pfs, ops) => Run(pfs, ops), iter: 250, threads: 1);

    [Fact]
    public void RandomSequences_ManyPfs_MatchNaiveRankingAndKeepEveryInvariant() =>
        Gen.Select(GenPf.Array[5, 24], GenOp.Array[20, 80]).Sample((pfs, ops) => Run(pfs, ops), iter: 60, threads: 1);

    private static void Run(PfShape[] shapes, Op[] ops)
    {
        var config = Build(shapes);
        var tokens = new TokenPool(config);
        var pool = new ResourcePool(config, tokens);
        var ids = tokens.Snapshot().Select(token => token.Id).Append("sriov-unknown").ToArray();
        var vfs = config.SelectMany(pf => pf.VirtualFunctions).Select(vf => vf.Address).Append("0000:ff:00.1").ToArray();

        foreach (var op in ops)
        {
            var before = (Vfs: pool.Snapshot(), Tokens: tokens.Snapshot(), tokens.Version);
            try
            {
                Apply(tokens, pool, op, ids[op.A % ids.Length], vfs[op.A % vfs.Length], before.Vfs);
            }
            catch (AllocationException)
            {
                var after = pool.Snapshot();
                Assert.Equal(before.Vfs.VirtualFunctions, after.VirtualFunctions);
                Assert.Equal(before.Vfs.IommuGroups, after.IommuGroups);
                Assert.Equal(before.Tokens, tokens.Snapshot());
                Assert.Equal(before.Version, tokens.Version);
            }

            CheckState(tokens, pool);
        }
    }

    private static void Apply(TokenPool tokens, ResourcePool pool, Op op, string id, string vf, ResourcePoolSnapshot before)
    {
        switch (op.Kind)
        {
            case 0:
                tokens.Allocate(id);
                break;
            case 1:
                tokens.Free(id);
                break;
            case 2:
                tokens.StopUsing(id);
                break;
            case 3:
                pool.Free(vf);
                break;
            default:
                Select(tokens, pool, id, $"conn-{op.B}", op.C == 0 ? VfDriver.Kernel : VfDriver.VfioPci, before);
                break;
        }
    }

    private static void Select(TokenPool tokens, ResourcePool pool, string id, string connection, VfDriver driver, ResourcePoolSnapshot before)
    {
        var held = pool.TryGetByToken(id, out var previous) ? previous : (VfSelection?)null;
        var isNew = held is null && tokens.Contains(id);
        var isDriverChange = held is { } h && h.DriverType != driver && h.ConnectionId == connection;
        string? expected = null;
        if (isNew || isDriverChange)
        {
            expected = NaiveSelection.Expected(before, tokens.Snapshot().Single(token => token.Id == id).Name, driver, held?.VfAddress);
        }

        VfSelection selection;
        try
        {
            selection = pool.Select(id, connection, driver);
        }
        catch (AllocationException error) when (error.Error == AllocationError.NoFreeVf)
        {
            Assert.Null(expected);
            throw;
        }

        Assert.Equal(driver, selection.DriverType);
        Assert.Equal(connection, selection.ConnectionId);
        if (selection.IsRefresh)
        {
            Assert.Equal(held?.VfAddress, selection.VfAddress);
        }
        else
        {
            Assert.Equal(expected, selection.VfAddress);
        }
    }

    private static void CheckState(TokenPool tokens, ResourcePool pool)
    {
        pool.CheckInvariants();
        var snapshot = pool.Snapshot();
        var holders = snapshot.VirtualFunctions.Where(vf => vf.TokenId is not null).ToList();
        Assert.Equal(holders.Count, holders.Select(vf => vf.TokenId).Distinct().Count());
        Assert.Equal(holders.Count, holders.Select(vf => vf.ConnectionId).Distinct().Count());
        foreach (var pf in snapshot.PhysicalFunctions)
        {
            Assert.Equal(pf.Total, pf.Free + pf.InUse);
            Assert.Equal(pf.InUse, holders.Count(vf => vf.PfAddress == pf.Address));
        }

        foreach (var group in snapshot.IommuGroups)
        {
            var drivers = holders.Where(vf => vf.IommuGroup == group.Group).Select(vf => vf.DriverType).Distinct().ToList();
            Assert.True(drivers.Count <= 1, $"IOMMU group {group.Group} serves {drivers.Count} drivers");
            Assert.Equal(group.InUse == 0, group.DriverType == VfDriver.NoDriver);
        }

        // Every token in use holds exactly one VF (tests never call Use directly).
        foreach (var token in tokens.Snapshot().Where(token => token.State == TokenState.InUse))
        {
            Assert.Single(holders, vf => vf.TokenId == token.Id);
        }
    }

    private static PoolPhysicalFunction[] Build(PfShape[] shapes) =>
    [
        .. shapes.Select((shape, p) => new PoolPhysicalFunction(
            $"0000:{p + 1:x2}:00.0",
            [.. NamePool.Where((_, bit) => (shape.NameMask & (1 << bit)) != 0)],
            [.. shape.Groups.Select((group, v) => new PoolVirtualFunction($"0000:{p + 1:x2}:00.{v + 1}", v, group))])),
    ];

    internal sealed record PfShape(int NameMask, int[] Groups);

    internal sealed record Op(int Kind, int A, int B, int C);
}
