using System.Buffers.Binary;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// The on-disk envelope of one grain's state: an 8-byte magic and version header, then the payload
/// written by the grain storage serializer (JSON by default), so files stay readable with a pager.
/// </summary>
internal readonly record struct StoredState(long Version, byte[] Payload)
{
    private static readonly byte[] Magic = "SRIOVST1"u8.ToArray();
    private const int HeaderLength = 16;

    public static byte[] Format(long version, byte[] payload)
    {
        var bytes = new byte[HeaderLength + payload.Length];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), version);
        payload.CopyTo(bytes, HeaderLength);
        return bytes;
    }

    public static StoredState Parse(byte[] bytes, string path)
    {
        if (bytes.Length < HeaderLength || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new FileGrainStorageException($"grain state file {path} is not a sriov-forwarder state file (bad header)");
        }

        return new StoredState(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), bytes[HeaderLength..]);
    }

    public static long ReadVersion(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        using var stream = File.OpenRead(path);
        if (stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength || !header[..8].SequenceEqual(Magic))
        {
            throw new FileGrainStorageException($"grain state file {path} is not a sriov-forwarder state file (bad header)");
        }

        return BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
    }
}
