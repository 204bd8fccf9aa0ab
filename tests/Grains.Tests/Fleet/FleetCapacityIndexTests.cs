using SriovForwarder.Grains.Fleet;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Tests.Fleet;

/// <summary>
/// The fleet's capacity index as FindNodes reads it: best first, only nodes that can give the count, the limit, liveness,
/// per driver, and a node's later report moving it (never listed twice, never at its old place).
/// </summary>
public sealed class FleetCapacityIndexTests
{
    private const string Resource = "service.domain.1/intel";
    private const string Other = "service.domain.1/10G";

    [Fact]
    public void Best_SeveralNodes_MostAvailableFirstThenByNameStoppingBelowTheCount()
    {
        var index = new FleetCapacityIndex();
        index.Update("node-c", null, Capacity(5));
        index.Update("node-a", null, Capacity(8));
        index.Update("node-b", null, Capacity(5));
        index.Update("node-d", null, Capacity(1));

        var best = index.Best(Resource, 2, null, 100, _ => true);

        Assert.Equal([("node-a", 8), ("node-b", 5), ("node-c", 5)], best.Select(m => (m.Node, m.Available)));
    }

    [Fact]
    public void Best_Limit_GivesOnlyTheFirstLiveOnes()
    {
        var index = new FleetCapacityIndex();
        for (var i = 0; i < 10; i++)
        {
            index.Update($"node-{i}", null, Capacity(i + 1));
        }

        var best = index.Best(Resource, 1, null, 3, node => node != "node-9");

        Assert.Equal(["node-8", "node-7", "node-6"], best.Select(m => m.Node));
    }

    [Fact]
    public void Update_LaterReport_MovesTheNodeAndDropsItsOldPlace()
    {
        var index = new FleetCapacityIndex();
        index.Update("node-a", null, Capacity(8));
        index.Update("node-b", null, Capacity(6));

        index.Update("node-a", Capacity(8), Capacity(2));

        Assert.Equal([("node-b", 6), ("node-a", 2)], index.Best(Resource, 1, null, 100, _ => true).Select(m => (m.Node, m.Available)));
        Assert.Equal(["node-b"], index.Best(Resource, 3, null, 100, _ => true).Select(m => m.Node));
    }

    [Fact]
    public void Update_ResourceNoLongerReported_IsNoLongerOfferedButNoCapacityStillIs()
    {
        var index = new FleetCapacityIndex();
        var both = new Dictionary<string, NodeCapacity>
        {
            [Resource] = new(4, 4, 4),
            [Other] = new(2, 2, 2),
        };
        index.Update("node-a", null, both);

        var full = Capacity(0);
        index.Update("node-a", both, full);

        Assert.Equal([Resource], index.ResourceNames);
        Assert.Empty(index.Best(Resource, 1, null, 100, _ => true));
        Assert.Empty(index.Best(Other, 1, null, 100, _ => true));
    }

    [Fact]
    public void Best_Driver_ReadsThatDriversCapacity()
    {
        var index = new FleetCapacityIndex();
        index.Update("node-a", null, new Dictionary<string, NodeCapacity> { [Resource] = new(8, 2, 8) });
        index.Update("node-b", null, new Dictionary<string, NodeCapacity> { [Resource] = new(8, 8, 0) });

        Assert.Equal([("node-b", 8), ("node-a", 2)], index.Best(Resource, 1, VfDriver.Kernel, 100, _ => true).Select(m => (m.Node, m.Available)));
        Assert.Equal([("node-a", 8)], index.Best(Resource, 1, VfDriver.VfioPci, 100, _ => true).Select(m => (m.Node, m.Available)));
        Assert.Equal(["node-a", "node-b"], index.Best(Resource, 8, null, 100, _ => true).Select(m => m.Node));
    }

    [Fact]
    public void Best_UnknownResource_IsEmpty()
    {
        var index = new FleetCapacityIndex();
        index.Update("node-a", null, Capacity(8));

        Assert.Empty(index.Best("service.domain.9/none", 1, null, 100, _ => true));
        Assert.Equal([Resource], index.ResourceNames);
    }

    private static Dictionary<string, NodeCapacity> Capacity(int free) => new() { [Resource] = new(free, free, free) };
}
