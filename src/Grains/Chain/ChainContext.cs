using SriovForwarder.Api.Nsm.Registry;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// What the elements share for one event of one connection: the node and the connection's own id
/// (this forwarder's path segment id), the connection's persisted <see cref="ConnectionState"/>
/// (upstream's per-connection metadata), and the per-event values discover hands to connect.
/// </summary>
public sealed class ChainContext(string node, string connectionId, ConnectionState state, CancellationToken cancellationToken = default)
{
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

    /// <summary>Candidate endpoints found by discover for roundrobin to choose from.</summary>
    public IReadOnlyList<NetworkServiceEndpoint>? Candidates { get; set; }
}
