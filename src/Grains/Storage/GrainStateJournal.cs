using System.Buffers;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// The append-only journal files of <see cref="JournaledGrainStorage"/> with group commit: callers enqueue framed
/// records in the order their changes were decided, and whichever caller finds no write in progress writes everything
/// enqueued so far with one <c>write</c>; the others find their record already written. Once <see cref="Flush"/> has
/// returned, the record is in the kernel's page cache and survives a kill of the process (decisions 004 and 028).
/// </summary>
/// <remarks>
/// Files are <c>NNNNNNNNNNNNNNNNNNNN.journal</c> (the generation, 20 digits, so names sort by age) in one folder.
/// <see cref="Rotate"/> starts the next generation; the caller compacts the old one into snapshot files and deletes it.
/// </remarks>
public sealed class GrainStateJournal : IDisposable
{
    private const string Extension = ".journal";

    private readonly string _folder;
    private readonly Lock _enqueueGate = new();
    private readonly Lock _writeGate = new();
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte> _spare = new(4096);
    private long _enqueued;
    private long _written;
    private SafeFileHandle _handle;
    private long _offset;
    private Exception? _failure;

    private GrainStateJournal(string folder, long generation)
    {
        _folder = folder;
        Generation = generation;
        _handle = Create(PathOf(folder, generation));
    }

    /// <summary>The generation records are appended to now.</summary>
    public long Generation { get; private set; }

    /// <summary>The file records are appended to now.</summary>
    public string CurrentPath => PathOf(_folder, Generation);

    /// <summary>Records enqueued since the current generation began.</summary>
    public long RecordsInGeneration { get; private set; }

    /// <summary>How many <c>write</c> calls the journal made (each carries one or more records).</summary>
    public long Writes { get; private set; }

    /// <summary>Starts a journal in <paramref name="folder"/> with a generation after every file already there.</summary>
    public static GrainStateJournal Open(string folder)
    {
        Directory.CreateDirectory(folder);
        var last = Files(folder).Select(f => f.Generation).DefaultIfEmpty(0).Max();
        return new GrainStateJournal(folder, last + 1);
    }

    /// <summary>The journal files in <paramref name="folder"/>, oldest first.</summary>
    public static IReadOnlyList<(long Generation, string Path)> Files(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var files = new List<(long, string)>();
        foreach (var path in Directory.EnumerateFiles(folder, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            {
                files.Add((generation, path));
            }
        }

        return [.. files.OrderBy(f => f.Item1)];
    }

    /// <summary>
    /// Reads the intact records of one journal file in order; <paramref name="droppedBytes"/> is what follows the last
    /// intact record (a write cut short by a crash, or damage), which is not applied.
    /// </summary>
    public static IReadOnlyList<JournalRecord> Read(string path, out long droppedBytes)
    {
        var data = File.ReadAllBytes(path);
        var records = new List<JournalRecord>();
        var at = 0;
        while (JournalRecord.TryRead(data.AsSpan(at), out var record, out var consumed))
        {
            records.Add(record!);
            at += consumed;
        }

        droppedBytes = data.Length - at;
        return records;
    }

    /// <summary>
    /// Adds a record after every record enqueued before it; returns its sequence number for <see cref="Flush"/>. Callers
    /// that need the journal order to match the order of their in-memory changes enqueue under their own lock.
    /// </summary>
    public long Enqueue(JournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_enqueueGate)
        {
            record.WriteTo(_pending);
            RecordsInGeneration++;
            return ++_enqueued;
        }
    }

    /// <summary>
    /// Adds the record of a change of <paramref name="grain"/>, framed straight into the pending batch (the storage's
    /// path: no <see cref="JournalRecord"/> and no strings per write); otherwise as <see cref="Enqueue(JournalRecord)"/>.
    /// </summary>
    public long Enqueue(JournalRecordKind kind, long version, string stateName, GrainId grain, ReadOnlySpan<byte> payload)
    {
        lock (_enqueueGate)
        {
            JournalRecord.Write(_pending, kind, version, stateName, grain, payload);
            RecordsInGeneration++;
            return ++_enqueued;
        }
    }

    /// <summary>Returns once the record with <paramref name="sequence"/> is written, writing it (and all enqueued with it) if nobody has.</summary>
    /// <exception cref="FileGrainStorageException">A journal write failed (now or before): the journal takes no more records.</exception>
    public void Flush(long sequence)
    {
        if (Volatile.Read(ref _written) >= sequence)
        {
            return;
        }

        lock (_writeGate)
        {
            WritePendingLocked(sequence);
        }
    }

    /// <summary>Writes what is enqueued, closes the current file and starts the next generation; returns the closed file.</summary>
    public string Rotate()
    {
        lock (_writeGate)
        {
            WritePendingLocked(long.MaxValue);
            var closed = CurrentPath;
            var next = Create(PathOf(_folder, Generation + 1));
            _handle.Dispose();
            _handle = next;
            _offset = 0;
            lock (_enqueueGate)
            {
                Generation++;
                RecordsInGeneration = 0;
            }

            return closed;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_writeGate)
        {
            _failure ??= new ObjectDisposedException(nameof(GrainStateJournal));
            _handle.Dispose();
        }
    }

    private void WritePendingLocked(long sequence)
    {
        if (_failure is not null)
        {
            throw new FileGrainStorageException($"the grain state journal {CurrentPath} takes no more records after a failed write: {_failure.Message}", _failure);
        }

        if (_written >= sequence)
        {
            return;
        }

        ArrayBufferWriter<byte> batch;
        long upTo;
        lock (_enqueueGate)
        {
            batch = _pending;
            _pending = _spare;
            upTo = _enqueued;
        }

        try
        {
            if (batch.WrittenCount > 0)
            {
                RandomAccess.Write(_handle, batch.WrittenSpan, _offset);
                _offset += batch.WrittenCount;
                Writes++;
            }
        }
        catch (IOException ex)
        {
            // The batch's records may be partly on disk; a later record after a hole would replay wrongly, so stop here.
            _failure = ex;
            throw new FileGrainStorageException($"cannot append to the grain state journal {CurrentPath}: {ex.Message}", ex);
        }
        finally
        {
            batch.ResetWrittenCount();
            _spare = batch;
        }

        Volatile.Write(ref _written, upTo);
    }

    private static string PathOf(string folder, long generation) =>
        Path.Combine(folder, generation.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    // Append-only from this process; the offset is kept here because one writer at a time holds the write gate.
    private static SafeFileHandle Create(string path) =>
        File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
}
