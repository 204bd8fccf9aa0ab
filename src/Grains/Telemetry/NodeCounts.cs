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

    /// <summary>Replaces the node's counts, unless a later report of the same activation got here first (reports are made off the grain's turn).</summary>
    public static void Publish(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Snapshots.AddOrUpdate(snapshot.Node, snapshot, (_, known) =>
            known.ActivatedAt == snapshot.ActivatedAt && known.Silo == snapshot.Silo && known.Sequence > snapshot.Sequence ? known : snapshot);
    }
}
