using Orleans.Concurrency;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// The cluster-wide view of SR-IOV capacity (key <see cref="Key"/>, any silo): every node grain pushes its snapshot
/// here on activation and on each change; the view is soft state, rebuilt from the live nodes when it is empty.
/// </summary>
public interface IFleetGrain : IGrainWithStringKey
{
    /// <summary>The one key of the fleet grain.</summary>
    public const string Key = "fleet";

    /// <summary>A node's latest snapshot (one-way: the node grain never waits for the fleet).</summary>
    [OneWay]
    Task ReportAsync(NodeSnapshot snapshot);

    /// <summary>Every node known to the fleet, whether its silo is live, and its latest snapshot.</summary>
    Task<IReadOnlyList<FleetNode>> GetNodesAsync();

    /// <summary>The live nodes that can hand out <paramref name="count"/> more tokens of <paramref name="resourceName"/> now.</summary>
    Task<IReadOnlyList<string>> FindNodesAsync(string resourceName, int count);
}
