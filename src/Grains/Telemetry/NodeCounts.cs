using System.Collections.Concurrent;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Telemetry;

/// <summary>
/// The last snapshot each node grain of this process published (on activation and after each change, with its fleet
/// report): what the VF and token gauges read, so a scrape costs no grain call.
/// </summary>
public static class NodeCounts
{
    private static readonly ConcurrentDictionary<string, NodeSnapshot> Snapshots = new(StringComparer.Ordinal);

    /// <summary>The latest snapshot of every node hosted here.</summary>
    public static IEnumerable<NodeSnapshot> Latest => Snapshots.Values;

    /// <summary>Replaces the node's counts.</summary>
    public static void Publish(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Snapshots[snapshot.Node] = snapshot;
    }
}
