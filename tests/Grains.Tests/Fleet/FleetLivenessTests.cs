using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SriovForwarder.Grains.Fleet;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Tests.Fleet;

/// <summary>
/// Liveness from one membership snapshot, as a fleet-grain activation that never heard from a node sees it: a node whose
/// silo left is still listed, down, with membership's reason and the silo that ran it last.
/// </summary>
public sealed class FleetLivenessTests
{
    private static readonly SiloAddress LiveA = Silo(11111, 3);
    private static readonly SiloAddress DeadAOld = Silo(11111, 1);
    private static readonly SiloAddress DeadBOld = Silo(11112, 1);
    private static readonly SiloAddress DeadB = Silo(11112, 2);
    private static readonly SiloAddress StoppingC = Silo(11113, 1);

    [Fact]
    public void DepartedSilos_AreListedDownByTheirNodeName_WithTheLatestSiloThatRanThem()
    {
        var liveness = Liveness(
            (LiveA, SiloStatus.Active, "node-a"),
            (DeadAOld, SiloStatus.Dead, "node-a"),
            (DeadBOld, SiloStatus.Dead, "node-b"),
            (DeadB, SiloStatus.Dead, "node-b"),
            (StoppingC, SiloStatus.ShuttingDown, "node-c"));

        Assert.Equal(["node-a"], liveness.NodesByMetadata);
        Assert.Equal(["node-b", "node-c"], liveness.DepartedNodes.Order(StringComparer.Ordinal));
        Assert.Null(liveness.DownReason("node-a", reportingSilo: null, stoppedSilo: null));
        Assert.Equal("dead: membership declared its silo dead", liveness.DownReason("node-b", reportingSilo: null, stoppedSilo: null));
        Assert.Equal("stopped: its silo is shutting down", liveness.DownReason("node-c", reportingSilo: null, stoppedSilo: null));
        Assert.Equal(DeadB.ToString(), liveness.DepartedSilo("node-b"));
        Assert.Null(liveness.DepartedSilo("node-a"));
    }

    [Fact]
    public void ANodeNoSiloEverRan_IsNotListed_AndHasNoDepartedSilo()
    {
        var liveness = Liveness((LiveA, SiloStatus.Active, "node-a"));

        Assert.Empty(liveness.DepartedNodes);
        Assert.Equal("no live silo runs it", liveness.DownReason("node-z", reportingSilo: null, stoppedSilo: null));
        Assert.Null(liveness.DepartedSilo("node-z"));
    }

    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private static FleetLiveness Liveness(params (SiloAddress Silo, SiloStatus Status, string Name)[] members)
    {
        var snapshot = new ClusterMembershipSnapshot(
            members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, m.Name)),
            new MembershipVersion(7));
        return new FleetLiveness(snapshot, new NodeMetadata(members.Where(m => m.Status == SiloStatus.Active).ToDictionary(m => m.Silo, m => m.Name)));
    }

    // Each active silo carries its node's name in its metadata, as the executable configures it. Orleans 10.4 offers no
    // public way to make a filled SiloMetadata (its setter is internal), so the test calls that internal method.
    private sealed class NodeMetadata(Dictionary<SiloAddress, string> nodes) : ISiloMetadataCache
    {
        private static readonly MethodInfo AddMetadata = typeof(SiloMetadata).GetMethod(
            "AddMetadata", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string), typeof(string)])!;

        public SiloMetadata GetSiloMetadata(SiloAddress siloAddress)
        {
            var metadata = new SiloMetadata();
            if (nodes.TryGetValue(siloAddress, out var node))
            {
                AddMetadata.Invoke(metadata, [NodeKeys.SiloMetadataKey, node]);
            }

            return metadata;
        }
    }
}
