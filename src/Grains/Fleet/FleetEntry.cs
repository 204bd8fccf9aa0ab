using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Fleet;

/// <summary>What the fleet keeps of one node: its latest report, when it came, and the capacity computed from it.</summary>
public sealed record FleetEntry(NodeSnapshot Snapshot, DateTimeOffset At, IReadOnlyDictionary<string, NodeCapacity> Capacity)
{
    /// <summary>The entry of a report received at <paramref name="at"/>.</summary>
    public static FleetEntry Of(NodeSnapshot snapshot, DateTimeOffset at) => new(snapshot, at, NodeCapacity.Of(snapshot));

    /// <summary>
    /// Whether <paramref name="snapshot"/> is older than this entry's: one-way reports of one activation may arrive out of
    /// order, and a report of an earlier activation after one of a later.
    /// </summary>
    public bool IsNewerThan(NodeSnapshot snapshot) =>
        Snapshot.ActivatedAt > snapshot.ActivatedAt
        || (Snapshot.ActivatedAt == snapshot.ActivatedAt && Snapshot.Silo == snapshot.Silo && Snapshot.Sequence > snapshot.Sequence);
}
