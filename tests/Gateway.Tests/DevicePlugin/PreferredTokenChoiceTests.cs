using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>GetPreferredAllocation's choice over NUMA layouts (decision 033): no grains, no root.</summary>
public sealed class PreferredTokenChoiceTests
{
    private const string PfA = "0000:01:00.0";
    private const string PfB = "0000:02:00.0";
    private const string PfC = "0000:81:00.0";

    // Two NUMA nodes: PFs A and B on node 0, C on node 1.
    private static TopologyPhysicalFunction[] TwoNodes(int freeA, int freeB, int freeC) =>
        [new(PfA, 0, freeA), new(PfB, 0, freeB), new(PfC, 1, freeC)];

    private static TopologyToken Free(string id) => new(id, Healthy: true, Held: false, PfAddress: null);

    private static TopologyToken HoldingVf(string id, string pf) => new(id, Healthy: true, Held: true, PfAddress: pf);

    private static PreferredChoice Choose(TopologyToken[] tokens, TopologyPhysicalFunction[] pfs, int size, params string[] mustInclude) =>
        PreferredTokenChoice.Choose(
            new PreferredAllocationAsk(tokens.Select(t => t.Id).ToList(), mustInclude, size),
            new ResourceTopology("sd/cap", pfs, tokens));

    [Fact]
    public void MustIncludeHoldsVfOnNode1_TokensThatCanLandOnNode1First_ThenTheRest()
    {
        // Node 1 has one free VF left: one token holding no VF can land there; c2 holds a VF of C (node 1), a1 one of A (node 0).
        TopologyToken[] tokens = [HoldingVf("m", PfC), HoldingVf("a1", PfA), Free("f1"), Free("f2"), HoldingVf("c2", PfC)];

        var choice = Choose(tokens, TwoNodes(freeA: 3, freeB: 3, freeC: 1), size: 4, "m");

        Assert.Equal([1], choice.TargetNumaNodes);
        // f1 takes node 1's last free VF; c2 keeps its VF on node 1; f2 (unbound, free) beats a1 (held, node 0).
        Assert.Equal(["m", "f1", "c2", "f2"], choice.Ids);
    }

    [Fact]
    public void NoMustInclude_AimsAtTheNodeWithMostFreeVfs_AndPrefersFreeTokensOverHeldOnes()
    {
        TopologyToken[] tokens = [HoldingVf("a1", PfA), HoldingVf("c1", PfC), Free("f1"), Free("f2")];

        var choice = Choose(tokens, TwoNodes(freeA: 0, freeB: 1, freeC: 5), size: 3);

        Assert.Equal([1], choice.TargetNumaNodes);
        Assert.Equal(["f1", "f2", "c1"], choice.Ids);
    }

    [Fact]
    public void TargetNodeFull_TokensHoldingVfsAreSpreadOverItsPfs()
    {
        // Must-include holds a VF of A (node 0); node 0 has no free VF, so only tokens already holding a VF there fit.
        TopologyToken[] tokens = [HoldingVf("m", PfA), HoldingVf("a1", PfA), HoldingVf("a2", PfA), HoldingVf("b1", PfB), HoldingVf("c1", PfC)];

        var choice = Choose(tokens, TwoNodes(freeA: 0, freeB: 0, freeC: 4), size: 4, "m");

        Assert.Equal([0], choice.TargetNumaNodes);
        // A already has m: b1 first, then a1, then a2 (A: 2 picks, B: 1) — c1 on node 1 stays out.
        Assert.Equal(["m", "b1", "a1", "a2"], choice.Ids);
    }

    [Fact]
    public void MustIncludeOnBothNodes_BothAreTargets()
    {
        TopologyToken[] tokens = [HoldingVf("m0", PfA), HoldingVf("m1", PfC), HoldingVf("b1", PfB), HoldingVf("c2", PfC)];

        var choice = Choose(tokens, TwoNodes(freeA: 0, freeB: 0, freeC: 0), size: 3, "m1", "m0");

        Assert.Equal([0, 1], choice.TargetNumaNodes);
        Assert.Equal(["m1", "m0", "b1"], choice.Ids);
    }

    [Fact]
    public void UnhealthyTokens_ComeLastEvenOnTheTarget_ButMustIncludeStaysIn()
    {
        TopologyToken[] tokens =
        [
            new("m", Healthy: false, Held: true, PfAddress: PfC),
            new("c-closed", Healthy: false, Held: false, PfAddress: null),
            HoldingVf("a1", PfA),
            Free("f1"),
        ];

        var choice = Choose(tokens, TwoNodes(freeA: 0, freeB: 0, freeC: 0), size: 3, "m");

        Assert.Equal(["m", "f1", "a1"], choice.Ids);
    }

    [Fact]
    public void NumaUnknown_NoTarget_FreeTokensInTokenOrderThenSpreadOverPfs()
    {
        TopologyPhysicalFunction[] pfs = [new(PfA, -1, 0), new(PfB, -1, 0)];
        TopologyToken[] tokens = [HoldingVf("a1", PfA), HoldingVf("a2", PfA), HoldingVf("b1", PfB), Free("f1")];

        var choice = Choose(tokens, pfs, size: 3);

        Assert.Empty(choice.TargetNumaNodes);
        Assert.Equal(["f1", "a1", "b1"], choice.Ids);
    }

    [Fact]
    public void OneNumaNode_SizeHonouredAndOnlyAvailableIdsAnswered()
    {
        TopologyPhysicalFunction[] pfs = [new(PfA, 0, 4)];
        TopologyToken[] tokens = [Free("t1"), Free("t2"), Free("t3"), Free("t4")];

        var choice = PreferredTokenChoice.Choose(
            new PreferredAllocationAsk(["t4", "t2", "t3"], ["t3"], 2),
            new ResourceTopology("sd/cap", pfs, tokens));

        Assert.Equal([0], choice.TargetNumaNodes);
        Assert.Equal(["t3", "t2"], choice.Ids);
    }
}
