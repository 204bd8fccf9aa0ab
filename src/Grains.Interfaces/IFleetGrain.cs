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

    /// <summary>How many nodes FindNodes answers with when the caller does not say (a scheduler wants the best few).</summary>
    public const int DefaultFindLimit = 100;

    /// <summary>The most nodes one FindNodes answer may carry (the answer's size is what costs at 10,000 nodes).</summary>
    public const int MaxFindLimit = 1000;

    /// <summary>A node's latest snapshot (one-way: the node grain never waits for the fleet).</summary>
    [OneWay]
    Task ReportAsync(NodeSnapshot snapshot);

    /// <summary>A node grain on <paramref name="silo"/> is deactivating because its silo stops gracefully: show the node down now.</summary>
    Task NodeStoppingAsync(string node, string silo);

    /// <summary>Every node known to the fleet, whether its silo is live, and its latest snapshot.</summary>
    Task<IReadOnlyList<FleetNode>> GetNodesAsync();

    /// <summary>One node as <see cref="GetNodesAsync"/> lists it, or null when the fleet has never heard of it.</summary>
    Task<FleetNode?> GetNodeAsync(string node);

    /// <summary>
    /// The live nodes that can hand out <paramref name="count"/> more VFs of <paramref name="resourceName"/> now, best first,
    /// at most <see cref="DefaultFindLimit"/>.
    /// </summary>
    Task<IReadOnlyList<string>> FindNodesAsync(string resourceName, int count);

    /// <summary>
    /// The live nodes that can hand out <paramref name="count"/> more VFs of <paramref name="resourceName"/> now (a free
    /// token and a free VF each), for <paramref name="driver"/> when given (the VF's IOMMU group is unused or already
    /// bound to it), best first: most available, then by name; the first <paramref name="limit"/> (at least 1) only.
    /// Read from an index kept per resource and driver, sorted by what each node can give, so the cost grows with
    /// <paramref name="limit"/>, not with the fleet.
    /// </summary>
    Task<IReadOnlyList<FleetMatch>> FindAsync(string resourceName, int count, VfDriver? driver, int limit);

    /// <summary>The resources any known node offers (live or not), sorted: what a FindNodes for an unknown resource names.</summary>
    Task<IReadOnlyList<string>> GetResourceNamesAsync();

    /// <summary>
    /// Adds or renews a watcher; it is told of every node change until <see cref="FleetSubscription.Lifetime"/> passes
    /// without renewal. True when this activation did not know the watcher (the fleet grain moved: the watcher may have
    /// missed changes and reads every node again).
    /// </summary>
    Task<bool> SubscribeAsync(IFleetObserver observer);

    /// <summary>Removes a watcher.</summary>
    Task UnsubscribeAsync(IFleetObserver observer);
}
