using System.Collections.Concurrent;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// Which SPIFFE ID made which connection (upstream's SPIFFE-ID → connection map, §11.3): recorded after a successful
/// Request, forgotten after Close. Keyed by our segment id (the connection grain's id), with the caller's connection id
/// kept for the monitor, whose events name connections in the caller's coordinates. Kept in memory: after a restart the
/// next Request of a connection records its owner again.
/// </summary>
public sealed class ConnectionOwners
{
    private readonly ConcurrentDictionary<string, (string Owner, string CallerConnectionId)> _byConnection = new(StringComparer.Ordinal);

    /// <summary>The SPIFFE ID that made our connection <paramref name="connectionId"/>, or null when none is recorded.</summary>
    public string? OwnerOf(string connectionId) => _byConnection.TryGetValue(connectionId, out var entry) ? entry.Owner : null;

    /// <summary>Records <paramref name="owner"/> as the maker of <paramref name="connectionId"/> (known to it as <paramref name="callerConnectionId"/>).</summary>
    public void Record(string connectionId, string callerConnectionId, string owner) => _byConnection[connectionId] = (owner, callerConnectionId);

    /// <summary>Forgets <paramref name="connectionId"/>.</summary>
    public void Forget(string connectionId) => _byConnection.TryRemove(connectionId, out _);

    /// <summary>Whether <paramref name="spiffeId"/> made the connection its caller calls <paramref name="callerConnectionId"/>.</summary>
    public bool Owns(string spiffeId, string callerConnectionId) =>
        _byConnection.Values.Any(e => e.Owner == spiffeId && (e.CallerConnectionId == callerConnectionId));

    /// <summary>Every (SPIFFE ID → caller connection ids) pair, upstream's <c>spiffe_id_connection_map</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshot() =>
        _byConnection.Values.GroupBy(e => e.Owner, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e.CallerConnectionId)], StringComparer.Ordinal);
}
