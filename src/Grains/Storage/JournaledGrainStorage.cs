using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// Grain storage for state written on the hot path (the node's VF reservations, the connections' state): each write appends the whole new
/// state to a <see cref="GrainStateJournal"/> (group commit, one <c>write</c> per batch, no rename), and the journal is
/// compacted in the background into the same per-grain snapshot files <see cref="FileGrainStorage"/> keeps. At start
/// the journal left by the previous process is replayed and compacted before any grain reads. Decision 028.
/// </summary>
/// <remarks>
/// Reads come from memory once a grain's state was read or written in this process; the snapshot file is read the
/// first time. A graceful stop compacts, so after it the snapshot files alone hold the state. A cleared state is
/// forgotten once a compaction has removed its file, so a connection that came and went costs no memory afterwards.
/// </remarks>
public sealed partial class JournaledGrainStorage : IGrainStorage, IPersistedGrainKeys, IDisposable
{
    /// <summary>Records after which the journal is rotated and its generation compacted in the background.</summary>
    public const int CompactAfterRecords = 4096;

    private readonly FileGrainStorage _files;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string StateName, GrainId Grain), Entry> _states = [];
    private Dictionary<(string StateName, GrainId Grain), Entry> _dirty = [];
    private readonly GrainStateJournal _journal;
    private readonly SemaphoreSlim _compacting = new(1, 1);
    private Task _background = Task.CompletedTask;
    private bool _disposed;

    /// <summary>Replays and compacts the journal under <paramref name="journalFolder"/>, then opens a new generation.</summary>
    public JournaledGrainStorage(FileGrainStorage files, IGrainStorageSerializer serializer, string journalFolder, ILogger<JournaledGrainStorage> logger)
    {
        _files = files;
        _serializer = serializer;
        _logger = logger;
        var left = GrainStateJournal.Files(journalFolder);
        Replay(left);
        _journal = GrainStateJournal.Open(journalFolder);
        if (left.Count > 0)
        {
            WriteSnapshots(TakeDirty());
            foreach (var (_, path) in left)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>The journal (for tests and benchmarks: its generation and write count).</summary>
    public GrainStateJournal Journal => _journal;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var entry = Current(stateName, grainId);
        if (entry.Payload is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
            grainState.ETag = null;
            return Task.CompletedTask;
        }

        try
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(entry.Payload));
        }
        catch (Exception ex) when (ex is not FileGrainStorageException)
        {
            throw new FileGrainStorageException($"the journaled state {stateName} of {grainId} does not hold a valid {typeof(T).Name}: {ex.Message}", ex);
        }

        grainState.RecordExists = true;
        grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = Owned(_serializer.Serialize(grainState.State));
        var version = Append(stateName, grainId, grainState.ETag, JournalRecordKind.Write, payload);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        Append(stateName, grainId, grainState.ETag, JournalRecordKind.Clear, []);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The keys with a <paramref name="stateName"/> of <paramref name="grainType"/>: the snapshot files' (see
    /// <see cref="FileGrainStorage.ListKeys"/>), corrected by what the journal holds that is newer than them.
    /// </summary>
    public IReadOnlyList<string> ListKeys(GrainType grainType, string stateName)
    {
        var keys = new HashSet<string>(_files.ListKeys(grainType, stateName), StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var ((name, grain), entry) in _states)
            {
                if (name != stateName || !grain.Type.Equals(grainType))
                {
                    continue;
                }

                var key = grain.Key.ToString() ?? string.Empty;
                if (entry.Payload is null)
                {
                    keys.Remove(key);
                }
                else
                {
                    keys.Add(key);
                }
            }
        }

        return [.. keys];
    }

    /// <summary>Rotates the journal and writes the closed generation's changes into the snapshot files, then deletes it.</summary>
    public async Task CompactAsync()
    {
        await _compacting.WaitAsync();
        try
        {
            CompactLocked();
        }
        finally
        {
            _compacting.Release();
        }
    }

    /// <summary>Compacts once more (a graceful stop leaves only snapshot files) and closes the journal.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _compacting.Wait();
        try
        {
            // Another storage on the same folder (a restart inside one test process) may have replayed and deleted our
            // file: then what we hold is older than the snapshots it wrote, and must not overwrite them.
            if (File.Exists(_journal.CurrentPath))
            {
                CompactLocked();
                File.Delete(_journal.CurrentPath);
            }
        }
        catch (Exception ex) when (ex is IOException or FileGrainStorageException or UnauthorizedAccessException)
        {
            StorageLog.CompactionFailed(_logger, _journal.CurrentPath, ex.Message);
        }
        finally
        {
            _journal.Dispose();
            _compacting.Release();
            _compacting.Dispose();
        }
    }

    private long Append(string stateName, GrainId grainId, string? expectedETag, JournalRecordKind kind, byte[] payload)
    {
        var key = (stateName, grainId);
        Entry? loaded = null;
        long sequence;
        long version;
        while (true)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                // A grain writes after it read, so its state is almost always in memory: one lock, no file. Otherwise the
                // snapshot file is read outside the lock and the loop comes back (the entry read wins if none appeared).
                if (_states.TryGetValue(key, out var current) || loaded is not null)
                {
                    current ??= loaded!;
                    var expected = expectedETag is null ? 0 : long.Parse(expectedETag, CultureInfo.InvariantCulture);
                    if (current.Version != expected)
                    {
                        throw new InconsistentStateException(
                            $"the journaled state {stateName} of {grainId} is at version {current.Version} but the grain expected {expected}: another activation wrote it",
                            current.Version.ToString(CultureInfo.InvariantCulture), expectedETag ?? "none");
                    }

                    version = kind == JournalRecordKind.Write ? current.Version + 1 : 0;
                    var entry = new Entry(version, kind == JournalRecordKind.Write ? payload : null);
                    _states[key] = entry;
                    _dirty[key] = entry;
                    sequence = _journal.Enqueue(kind, version, stateName, grainId, payload);
                    break;
                }
            }

            loaded = Current(stateName, grainId);
        }

        _journal.Flush(sequence);
        if (_journal.RecordsInGeneration >= CompactAfterRecords && _background.IsCompleted)
        {
            _background = Task.Run(CompactInBackgroundAsync);
        }

        return version;
    }

    // The serializer's array when the data is exactly one whole array (ours makes one per state), else a copy.
    private static byte[] Owned(BinaryData data) =>
        MemoryMarshal.TryGetArray(data.ToMemory(), out var segment) && segment is { Array: { } array, Offset: 0 } && segment.Count == array.Length
            ? array
            : data.ToArray();

    // The state in memory, or the snapshot file's (remembered, so the file is read once per grain and process).
    private Entry Current(string stateName, GrainId grainId)
    {
        lock (_gate)
        {
            if (_states.TryGetValue((stateName, grainId), out var known))
            {
                return known;
            }
        }

        var stored = _files.ReadStored(stateName, grainId);
        var entry = stored is { } s ? new Entry(s.Version, s.Payload) : new Entry(0, null);
        lock (_gate)
        {
            return _states.TryAdd((stateName, grainId), entry) ? entry : _states[(stateName, grainId)];
        }
    }

    private async Task CompactInBackgroundAsync()
    {
        try
        {
            await CompactAsync();
        }
        catch (Exception ex) when (ex is IOException or FileGrainStorageException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // The journal still holds every record; the next compaction (or the next start) writes the snapshots.
            StorageLog.CompactionFailed(_logger, _journal.CurrentPath, ex.Message);
        }
    }

    private void CompactLocked()
    {
        Dictionary<(string StateName, GrainId Grain), Entry> changes;
        string closed;
        lock (_gate)
        {
            changes = TakeDirty();
            closed = _journal.Rotate();
        }

        try
        {
            WriteSnapshots(changes);
        }
        catch
        {
            // Keep them for the next compaction (a newer change of the same state wins), which then also deletes the
            // file kept here: an older generation left on disk must never be replayed over newer snapshots.
            lock (_gate)
            {
                foreach (var (key, entry) in changes)
                {
                    _dirty.TryAdd(key, entry);
                }
            }

            throw;
        }

        foreach (var (_, path) in GrainStateJournal.Files(Path.GetDirectoryName(closed)!))
        {
            if (string.CompareOrdinal(path, closed) <= 0)
            {
                File.Delete(path);
            }
        }

        Forget(changes);

        StorageLog.Compacted(_logger, closed, changes.Count);
    }

    // A cleared state whose file is now gone reads the same from the file as from memory: dropped, unless it changed since.
    private void Forget(Dictionary<(string StateName, GrainId Grain), Entry> compacted)
    {
        lock (_gate)
        {
            foreach (var (key, entry) in compacted)
            {
                if (entry.Payload is null && _states.TryGetValue(key, out var now) && ReferenceEquals(now, entry))
                {
                    _states.Remove(key);
                }
            }
        }
    }

    private Dictionary<(string StateName, GrainId Grain), Entry> TakeDirty()
    {
        var taken = _dirty;
        _dirty = [];
        return taken;
    }

    private void WriteSnapshots(Dictionary<(string StateName, GrainId Grain), Entry> changes)
    {
        foreach (var ((stateName, grain), entry) in changes)
        {
            if (entry.Payload is null)
            {
                _files.DeleteStored(stateName, grain);
            }
            else
            {
                _files.WriteStored(stateName, grain, entry.Version, entry.Payload);
            }
        }
    }

    // Records are whole states, so the last one of each grain across the files, oldest file first, is its state.
    private void Replay(IReadOnlyList<(long Generation, string Path)> files)
    {
        var count = 0;
        foreach (var (_, path) in files)
        {
            var records = GrainStateJournal.Read(path, out var dropped);
            if (dropped > 0)
            {
                StorageLog.TornTailDropped(_logger, path, dropped, records.Count);
            }

            foreach (var record in records)
            {
                var entry = new Entry(record.Version, record.Kind == JournalRecordKind.Write ? record.Payload : null);
                _states[(record.StateName, record.Grain)] = entry;
                _dirty[(record.StateName, record.Grain)] = entry;
            }

            count += records.Count;
        }

        if (files.Count > 0)
        {
            StorageLog.Replayed(_logger, files.Count, count, _dirty.Count);
        }
    }

    private sealed record Entry(long Version, byte[]? Payload);
}
