using System.Collections.Concurrent;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// Which SPIFFE ID made which connection (upstream's SPIFFE-ID → connection map, §11.3): recorded after a successful
/// Request, forgotten after Close. Keyed by our segment id (the connection grain's id), which is also the id our monitor
/// events carry. Kept in memory: after a restart the next Request of a connection records its owner again.
/// </summary>
public sealed class ConnectionOwners
{
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);

    /// <summary>The SPIFFE ID that made our connection <paramref name="connectionId"/>, or null when none is recorded.</summary>
    public string? OwnerOf(string connectionId) => _owners.TryGetValue(connectionId, out var owner) ? owner : null;

    /// <summary>Records <paramref name="owner"/> as the maker of <paramref name="connectionId"/>.</summary>
    public void Record(string connectionId, string owner) => _owners[connectionId] = owner;

    /// <summary>Forgets <paramref name="connectionId"/>.</summary>
    public void Forget(string connectionId) => _owners.TryRemove(connectionId, out _);

    /// <summary>Whether <paramref name="spiffeId"/> made our connection <paramref name="connectionId"/>.</summary>
    public bool Owns(string spiffeId, string connectionId) => OwnerOf(connectionId) == spiffeId;

    /// <summary>Every SPIFFE ID with the connections it made, upstream's <c>spiffe_id_connection_map</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshot() =>
        _owners.GroupBy(e => e.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e.Key)], StringComparer.Ordinal);
}
