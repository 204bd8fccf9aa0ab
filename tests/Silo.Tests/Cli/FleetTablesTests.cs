using Google.Protobuf.WellKnownTypes;
using SriovForwarder.Api.Fleet.V1;
using SriovForwarder.Silo.Cli;

namespace SriovForwarder.Silo.Tests.Cli;

/// <summary>
/// The fleet verb's tables as a person reads them: a PF that lost carrier shows its reason and since when, its VFs their
/// reason, the node and fleet rows their unhealthy VF counts; a FindNodes answer cut by its limit says so; --limit parses.
/// </summary>
public sealed class FleetTablesTests
{
    private const string Pf = "0000:01:00.0";
    private const string Reason = "netdev sim0p0 has no carrier";

    [Fact]
    public void Node_UnhealthyPf_ShowsReasonSinceAndUnhealthyVfsPerPfAndPerVf()
    {
        var text = FleetTables.Node(UnhealthyNode());
        var lines = text.Split(Environment.NewLine);

        var pfRow = Assert.Single(lines, l => l.StartsWith(Pf + " ", StringComparison.Ordinal));
        Assert.Contains("HEALTH", lines.First(l => l.StartsWith("PF ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith($"{Reason} (since 2026-12-07 01:02:03Z)", pfRow, StringComparison.Ordinal);
        Assert.Matches(@"\s2\s+intel\s", pfRow);
        var vfRows = lines.Where(l => l.StartsWith("0000:01:01.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, vfRows.Count);
        Assert.All(vfRows, r => Assert.EndsWith("PF " + Reason, r, StringComparison.Ordinal));
        Assert.EndsWith("  ok", Assert.Single(lines, l => l.StartsWith("0000:02:01.0 ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Fleet_UnhealthyVfs_CountedOnTheNodesRow()
    {
        var view = new FleetView { Nodes = { UnhealthyNode() } };

        var lines = FleetTables.Fleet(view).Split(Environment.NewLine);

        Assert.Contains("UNHEALTHY VFS", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines, l => l.StartsWith("node-a ", StringComparison.Ordinal));
        Assert.Equal(["node-a", "yes", "2", "1/3", "2", "1/3"], row.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Find_MoreThanTheLimit_SaysOnlyTheBestAreListed()
    {
        var found = new FindNodesResponse { Nodes = { new NodeMatch { Name = "node-a", Available = 4 } }, More = true };

        var text = FleetTables.Find(found);

        Assert.Contains("only the best 1 are listed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("listed", FleetTables.Find(new FindNodesResponse { Nodes = { new NodeMatch { Name = "node-a", Available = 4 } } }), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Limit_IsPassedOrNamedWhenNotANumber()
    {
        var (arguments, _) = FleetArguments.Parse(["find", "service.domain.1/intel", "2", "--limit", "5"]);
        var (_, error) = FleetArguments.Parse(["find", "service.domain.1/intel", "2", "--limit", "many"]);

        Assert.Equal(5, arguments!.Limit);
        Assert.Equal("--limit needs a whole number, not \"many\", e.g. --limit 10", error);
    }

    // One live node: PF 1 lost carrier (both its VFs unusable), PF 2 healthy with one free VF.
    private static Node UnhealthyNode()
    {
        var sick = new PhysicalFunction
        {
            Address = Pf,
            Driver = "ice",
            Netdev = "sim0p0",
            Link = "down",
            TotalVfs = 2,
            FreeVfs = 0,
            UnhealthyVfs = 2,
            HealthReason = Reason,
            UnhealthySince = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 7, 1, 2, 3, TimeSpan.Zero)),
            ResourceNames = { "intel" },
        };
        sick.VirtualFunctions.Add(new VirtualFunction { Address = "0000:01:01.0", State = "free", HealthReason = "PF " + Reason });
        sick.VirtualFunctions.Add(new VirtualFunction { Address = "0000:01:01.1", State = "free", HealthReason = "PF " + Reason });
        var well = new PhysicalFunction { Address = "0000:02:00.0", Driver = "ice", Netdev = "sim0p1", Link = "up", TotalVfs = 1, FreeVfs = 1, ResourceNames = { "intel" } };
        well.VirtualFunctions.Add(new VirtualFunction { Address = "0000:02:01.0", State = "free" });
        return new Node
        {
            Name = "node-a",
            Live = true,
            Reported = true,
            PhysicalFunctions = { sick, well },
            TokenPools = { new TokenPool { ResourceName = "intel", Tokens = 3, Free = 1, Healthy = 1, Unhealthy = 2 } },
        };
    }
}
