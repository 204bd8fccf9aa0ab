using System.Buffers.Binary;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// The on-disk envelope of one grain's state: an 8-byte magic and version header, the grain's key (version 2, so the
/// files of a grain type can be listed by key after a restart), then the payload written by the grain storage
/// serializer (JSON in both of <see cref="NodeStateSerializer"/>'s formats), so files stay readable with a pager. Version 1
/// files (no key) are still read.
/// </summary>
internal readonly record struct StoredState(long Version, string? Key, byte[] Payload)
{
    private static readonly byte[] MagicV1 = "SRIOVST1"u8.ToArray();
    private static readonly byte[] Magic = "SRIOVST2"u8.ToArray();
    private const int HeaderLength = 16;

    public static byte[] Format(long version, string key, byte[] payload)
    {
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key);
        var bytes = new byte[HeaderLength + 4 + keyBytes.Length + payload.Length];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HeaderLength), keyBytes.Length);
        keyBytes.CopyTo(bytes, HeaderLength + 4);
        payload.CopyTo(bytes, HeaderLength + 4 + keyBytes.Length);
        return bytes;
    }

    public static StoredState Parse(byte[] bytes, string path)
    {
        if (bytes.Length >= HeaderLength && bytes.AsSpan(0, 8).SequenceEqual(MagicV1))
        {
            return new StoredState(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), null, bytes[HeaderLength..]);
        }

        if (bytes.Length < HeaderLength + 4 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new FileGrainStorageException($"grain state file {path} is not a sriov-forwarder state file (bad header)");
        }

        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(HeaderLength));
        if (keyLength < 0 || HeaderLength + 4 + keyLength > bytes.Length)
        {
            throw new FileGrainStorageException($"grain state file {path} is not a sriov-forwarder state file (bad key length {keyLength})");
        }

        var key = System.Text.Encoding.UTF8.GetString(bytes, HeaderLength + 4, keyLength);
        return new StoredState(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), key, bytes[(HeaderLength + 4 + keyLength)..]);
    }

    public static long ReadVersion(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        using var stream = File.OpenRead(path);
        if (stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength
            || !(header[..8].SequenceEqual(Magic) || header[..8].SequenceEqual(MagicV1)))
        {
            throw new FileGrainStorageException($"grain state file {path} is not a sriov-forwarder state file (bad header)");
        }

        return BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
    }
}
