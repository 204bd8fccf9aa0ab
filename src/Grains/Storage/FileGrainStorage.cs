using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// Grain storage in files on the node: one file per grain, replaced atomically (write a temporary
/// file, rename it over the old one), so a crash of the process leaves either the old or the new state
/// and never a torn one. The ETag is a version counter kept in the file's header. Files are not fsynced:
/// see docs/decisions/004-node-state-without-fsync.md.
/// </summary>
public sealed partial class FileGrainStorage(
    IOptions<FileGrainStorageOptions> options,
    IGrainStorageSerializer serializer,
    ILogger<FileGrainStorage> logger) : IGrainStorage, IPersistedGrainKeys
{
    private readonly string _root = options.Value.RootPath;

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path);
        }
        catch (IOException ex)
        {
            throw new FileGrainStorageException($"cannot read grain state file {path}: {ex.Message}", ex);
        }

        var envelope = StoredState.Parse(bytes, path);
        try
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(envelope.Payload));
        }
        catch (Exception ex) when (ex is not FileGrainStorageException)
        {
            throw new FileGrainStorageException($"grain state file {path} does not hold a valid {typeof(T).Name}: {ex.Message}", ex);
        }

        grainState.RecordExists = true;
        grainState.ETag = envelope.Version.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        var version = CheckETag(path, grainState.ETag) + 1;
        var payload = serializer.Serialize(grainState.State).ToArray();
        ReplaceAtomically(path, StoredState.Format(version, grainId.Key.ToString() ?? string.Empty, payload));
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        LogWritten(logger, grainId.ToString(), version, path);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        CheckETag(path, grainState.ETag);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    /// <summary>The version and serialized payload in a grain's state file, or null when it has none (used by <see cref="JournaledGrainStorage"/>).</summary>
    public (long Version, byte[] Payload)? ReadStored(string stateName, GrainId grainId)
    {
        var path = PathFor(stateName, grainId);
        // Every new connection asks here once (no file): a stat answers that without throwing and catching an
        // exception, which costs far more on the Request's path (issue 14). The catch stays for a file removed meanwhile.
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException ex)
        {
            throw new FileGrainStorageException($"cannot read grain state file {path}: {ex.Message}", ex);
        }

        var envelope = StoredState.Parse(bytes, path);
        return (envelope.Version, envelope.Payload);
    }

    /// <summary>Replaces a grain's state file with an already serialized payload at <paramref name="version"/>, no ETag check (the journal's compaction).</summary>
    public void WriteStored(string stateName, GrainId grainId, long version, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ReplaceAtomically(PathFor(stateName, grainId), StoredState.Format(version, grainId.Key.ToString() ?? string.Empty, payload));
    }

    /// <summary>Removes a grain's state file if there is one (the journal's compaction of a cleared state).</summary>
    public void DeleteStored(string stateName, GrainId grainId)
    {
        var path = PathFor(stateName, grainId);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListKeys(GrainType grainType, string stateName)
    {
        var folder = FolderFor(grainType);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var keys = new List<string>();
        foreach (var path in Directory.EnumerateFiles(folder, $"*.{Escape(stateName)}.json"))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (FileNotFoundException)
            {
                continue; // cleared while we listed
            }

            if (StoredState.Parse(bytes, path).Key is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private string FolderFor(GrainType grainType) => Path.Combine(_root, Escape(grainType.ToString() ?? "grain"));

    private string PathFor(string stateName, GrainId grainId) =>
        Path.Combine(FolderFor(grainId.Type), $"{Escape(grainId.Key.ToString() ?? string.Empty)}.{Escape(stateName)}.json");

    // Keys such as "node-1/0000:01:00.0" become one safe file name; the mapping is reversible enough to read.
    private static string Escape(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] is not ('-' or '_' or '.'))
            {
                chars[i] = '_';
            }
        }

        return new string(chars) + (chars.AsSpan().SequenceEqual(name) ? string.Empty : "-" + StableHash(name));
    }

    private static string StableHash(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash, 0, 4);
    }

    private static long CheckETag(string path, string? expected)
    {
        long current = 0;
        if (File.Exists(path))
        {
            current = StoredState.ReadVersion(path);
        }

        var expectedVersion = expected is null ? 0 : long.Parse(expected, CultureInfo.InvariantCulture);
        if (current != expectedVersion)
        {
            throw new InconsistentStateException(
                $"grain state file {path} is at version {current} but the grain expected {expectedVersion}: another activation wrote it",
                current.ToString(CultureInfo.InvariantCulture), expected ?? "none");
        }

        return current;
    }

    // Synchronous on purpose: a state file is a few hundred bytes and lands in the page cache in microseconds,
    // far less than the thread-pool hops of asynchronous file I/O on a busy node.
    private static void ReplaceAtomically(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, content);

            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException ex)
        {
            File.Delete(temporary);
            throw new FileGrainStorageException($"cannot write grain state file {path}: {ex.Message}", ex);
        }
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Trace, Message = "Wrote state of {GrainId} version {Version} to {Path}")]
    private static partial void LogWritten(ILogger logger, string grainId, long version, string path);
}
