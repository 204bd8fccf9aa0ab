using System.Collections.Concurrent;
using System.Text.Json;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// Which SPIFFE ID made which connection (upstream's SPIFFE-ID → connection map, §11.3): recorded after a successful
/// Request, forgotten after Close. Keyed by our segment id (the connection grain's id), which is also the id our monitor
/// events carry. With a <see cref="File"/> (the executable: <c>connection-owners.json</c> in <c>NSM_STATE_PATH</c>) every
/// change is written through, owner-only, and read back at start, so after a restart another identity still cannot
/// Close or refresh a connection it did not make; without one it is memory only.
/// </summary>
public sealed class ConnectionOwners
{
    private readonly ConcurrentDictionary<string, string> _owners;
    private readonly Lock _writing = new();

    /// <summary>A map in memory only.</summary>
    public ConnectionOwners()
        : this(null)
    {
    }

    /// <summary>
    /// A map kept in <paramref name="file"/> (null: memory only), read now when it exists.
    /// </summary>
    /// <exception cref="InvalidDataException">The file exists but is not the JSON object of connection id → SPIFFE ID this class writes.</exception>
    public ConnectionOwners(string? file)
    {
        File = file;
        _owners = new ConcurrentDictionary<string, string>(Load(file), StringComparer.Ordinal);
    }

    /// <summary>Where the map is kept; null when memory only.</summary>
    public string? File { get; }

    /// <summary>The SPIFFE ID that made our connection <paramref name="connectionId"/>, or null when none is recorded.</summary>
    public string? OwnerOf(string connectionId) => _owners.TryGetValue(connectionId, out var owner) ? owner : null;

    /// <summary>Records <paramref name="owner"/> as the maker of <paramref name="connectionId"/>.</summary>
    public void Record(string connectionId, string owner)
    {
        if (_owners.TryGetValue(connectionId, out var known) && known == owner)
        {
            // A refresh by the owner: nothing to write.
            return;
        }

        _owners[connectionId] = owner;
        Save();
    }

    /// <summary>Forgets <paramref name="connectionId"/>.</summary>
    public void Forget(string connectionId)
    {
        if (_owners.TryRemove(connectionId, out _))
        {
            Save();
        }
    }

    /// <summary>Whether <paramref name="spiffeId"/> made our connection <paramref name="connectionId"/>.</summary>
    public bool Owns(string spiffeId, string connectionId) => OwnerOf(connectionId) == spiffeId;

    /// <summary>Every SPIFFE ID with the connections it made, upstream's <c>spiffe_id_connection_map</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshot() =>
        _owners.GroupBy(e => e.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e.Key)], StringComparer.Ordinal);

    private static Dictionary<string, string> Load(string? file)
    {
        if (file is null || !System.IO.File.Exists(file))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(System.IO.File.ReadAllBytes(file)) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file} (the owners of this forwarder's connections) is not a JSON object of connection id to SPIFFE ID: {e.Message}; remove it only knowing that every connection's owner is then forgotten", e);
        }
    }

    // The whole map, written to a new file and renamed over the old one: a crash leaves the old map or the new one.
    private void Save()
    {
        if (File is null)
        {
            return;
        }

        lock (_writing)
        {
            var snapshot = new SortedDictionary<string, string>(_owners, StringComparer.Ordinal);
            var temporary = File + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, snapshot);
            }

            System.IO.File.Move(temporary, File, overwrite: true);
        }
    }
}
