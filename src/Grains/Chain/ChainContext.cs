using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// What the elements share for one event of one connection: the node and the connection's own id
/// (this forwarder's path segment id), the connection's persisted <see cref="ConnectionState"/>
/// (upstream's per-connection metadata), and the per-event values discover hands to connect.
/// </summary>
public sealed class ChainContext(string node, string connectionId, ConnectionState state, CancellationToken cancellationToken = default)
{
    private Func<Task> _checkpoint = static () => Task.CompletedTask;

    /// <summary>The node this forwarder runs on.</summary>
    public string Node { get; } = node;

    /// <summary>This forwarder's path segment id, which is also the connection grain's name.</summary>
    public string ConnectionId { get; } = connectionId;

    /// <summary>The persisted per-connection state; elements record here what they must undo.</summary>
    public ConnectionState State { get; } = state;

    /// <summary>Cancelled when the caller gives up.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>
    /// The client namespace URL the caller sent with this event (<c>inodeURL</c>). For a descriptor passed with the call
    /// it is a <c>/proc/&lt;pid&gt;/fd</c> path valid during this call only; after a restart it is the only way back
    /// into a namespace whose recorded URL died with the old process.
    /// </summary>
    public string? CallerNamespaceUrl { get; set; }

    /// <summary>The next hop's URL chosen for this event (by discover or roundrobin).</summary>
    public string? ClientUrl { get; set; }

    /// <summary>
    /// True while a restarted process undoes what a killed one left half done: elements release what the state records
    /// and look nothing up (decision 007).
    /// </summary>
    public bool RollingBack { get; init; }

    /// <summary>
    /// Persists <see cref="State"/> now. An element calls it after recording what it is about to do and before doing it,
    /// so that a process killed in between leaves a record that lets the next one undo it (decision 007).
    /// </summary>
    public Task CheckpointAsync() => _checkpoint();

    /// <summary>Sets what <see cref="CheckpointAsync"/> does (the connection grain writes its state).</summary>
    public ChainContext WithCheckpoint(Func<Task> checkpoint)
    {
        _checkpoint = checkpoint;
        return this;
    }

    /// <summary>
    /// Set by the resourcepool element for the length of a Close: the <see cref="Elements.BranchEndElement"/> at the end of its
    /// mechanism branch calls it once every element of the branch has undone its part on the VF, so the VF is released while
    /// the next hop closes instead of after it (decision 052).
    /// </summary>
    public Action? BranchClosed { get; set; }

    /// <summary>
    /// A reserve started before discover for this Request (decision 052), until the resourcepool element takes it; the
    /// <see cref="Elements.EarlyReserveElement"/> frees it when nothing did.
    /// </summary>
    public EarlyReservation? EarlyReservation { get; set; }

    /// <summary>Candidate endpoints found by discover for roundrobin to choose from.</summary>
    public IReadOnlyList<NetworkServiceEndpoint>? Candidates { get; set; }
}
