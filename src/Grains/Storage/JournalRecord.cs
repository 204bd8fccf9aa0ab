using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// One grain state change in the journal: the whole new state (or its removal), never a delta, so replaying a record
/// twice, or over a snapshot file that already has it, gives the same result.
/// </summary>
/// <remarks>
/// Frame on disk: body length (u32 LE), CRC-32 of the body (u32 LE), body. Body: kind (1 write, 2 clear), version
/// (i64 LE), state name, grain type, grain key (each i32 LE length and UTF-8), payload (i32 LE length and bytes).
/// A frame that runs past the end of the file or whose CRC does not match is where a torn write ended.
/// </remarks>
public sealed record JournalRecord(JournalRecordKind Kind, long Version, string StateName, string GrainType, string GrainKey, byte[] Payload)
{
    private const int FrameHeaderLength = 8;

    // A body this large is not one of ours: a torn length field, not a record to allocate for.
    private const int MaxBodyLength = 64 * 1024 * 1024;

    /// <summary>The grain the record belongs to.</summary>
    public GrainId Grain => GrainId.Create(GrainType, GrainKey);

    /// <summary>Appends the framed record to <paramref name="writer"/>.</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, Kind, Version, StateName, Encoding.UTF8.GetBytes(GrainType), Encoding.UTF8.GetBytes(GrainKey), Payload);
    }

    /// <summary>
    /// Appends the framed record of a change of <paramref name="grain"/> to <paramref name="writer"/> without making a
    /// <see cref="JournalRecord"/>: the grain's type and key go from their UTF-8 bytes, with no string made per write.
    /// </summary>
    public static void Write(IBufferWriter<byte> writer, JournalRecordKind kind, long version, string stateName, GrainId grain, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(stateName);
        Write(writer, kind, version, stateName, grain.Type.AsSpan(), grain.Key.AsSpan(), payload);
    }

    private static void Write(IBufferWriter<byte> writer, JournalRecordKind kind, long version, string stateName, ReadOnlySpan<byte> grainType, ReadOnlySpan<byte> grainKey, ReadOnlySpan<byte> payload)
    {
        var bodyLength = 1 + 8 + Sized(stateName) + 4 + grainType.Length + 4 + grainKey.Length + 4 + payload.Length;
        var frame = writer.GetSpan(FrameHeaderLength + bodyLength)[..(FrameHeaderLength + bodyLength)];
        var body = frame[FrameHeaderLength..];
        body[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], version);
        var at = 9;
        at += PutString(body[at..], stateName);
        at += PutBytes(body[at..], grainType);
        at += PutBytes(body[at..], grainKey);
        PutBytes(body[at..], payload);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32.HashToUInt32(body));
        writer.Advance(FrameHeaderLength + bodyLength);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="data"/>; false when no whole, intact record is there (the end of
    /// the journal, or a torn or damaged frame).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out JournalRecord? record, out int consumed)
    {
        record = null;
        consumed = 0;
        if (data.Length < FrameHeaderLength)
        {
            return false;
        }

        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (bodyLength is < 9 or > MaxBodyLength || data.Length - FrameHeaderLength < bodyLength)
        {
            return false;
        }

        var body = data.Slice(FrameHeaderLength, (int)bodyLength);
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[4..]))
        {
            return false;
        }

        var kind = (JournalRecordKind)body[0];
        if (kind is not (JournalRecordKind.Write or JournalRecordKind.Clear))
        {
            return false;
        }

        var version = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
        var rest = body[9..];
        if (!TakeString(ref rest, out var stateName) || !TakeString(ref rest, out var grainType) || !TakeString(ref rest, out var grainKey)
            || !TakeBytes(ref rest, out var payload) || !rest.IsEmpty)
        {
            return false;
        }

        record = new JournalRecord(kind, version, stateName, grainType, grainKey, payload);
        consumed = FrameHeaderLength + (int)bodyLength;
        return true;
    }

    private static int Sized(string text) => 4 + Encoding.UTF8.GetByteCount(text);

    private static int PutString(Span<byte> target, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, target[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(target, length);
        return 4 + length;
    }

    private static int PutBytes(Span<byte> target, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(target, bytes.Length);
        bytes.CopyTo(target[4..]);
        return 4 + bytes.Length;
    }

    private static bool TakeString(ref ReadOnlySpan<byte> rest, out string text)
    {
        text = string.Empty;
        if (!TakeBytes(ref rest, out var bytes))
        {
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private static bool TakeBytes(ref ReadOnlySpan<byte> rest, out byte[] bytes)
    {
        bytes = [];
        if (rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        if (length < 0 || rest.Length - 4 < length)
        {
            return false;
        }

        bytes = rest.Slice(4, length).ToArray();
        rest = rest[(4 + length)..];
        return true;
    }
}
