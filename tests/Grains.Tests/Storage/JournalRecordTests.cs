using System.Buffers;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains.Tests.Storage;

/// <summary>
/// The journal's frame written from a grain id's bytes (the storage's path since decision 046) is the frame a
/// <see cref="JournalRecord"/> writes, so records written before and after read the same way.
/// </summary>
public sealed class JournalRecordTests
{
    [Theory]
    [InlineData("connection", "node-1/3f2a9c4e-0b1d-4a57-9e0f-1c2d3e4f5a6b")]
    [InlineData("node", "nœud-ü/0000:01:00.0")]
    public void Write_FromTheGrainId_IsTheFrameOfTheRecordAndReadsBack(string type, string key)
    {
        var grain = GrainId.Create(type, key);
        byte[] payload = [(byte)'\t', (byte)'{', (byte)'}'];
        var fromRecord = new ArrayBufferWriter<byte>();
        var fromGrain = new ArrayBufferWriter<byte>();

        new JournalRecord(JournalRecordKind.Write, 7, "connection", type, key, payload).WriteTo(fromRecord);
        JournalRecord.Write(fromGrain, JournalRecordKind.Write, 7, "connection", grain, payload);

        Assert.Equal(fromRecord.WrittenSpan.ToArray(), fromGrain.WrittenSpan.ToArray());
        Assert.True(JournalRecord.TryRead(fromGrain.WrittenSpan, out var read, out var consumed));
        Assert.Equal((fromGrain.WrittenCount, grain, 7L), (consumed, read!.Grain, read.Version));
        Assert.Equal(payload, read.Payload);
    }

    [Fact]
    public void TryRead_FrameCutShortOrWithAFlippedByte_IsNoRecord()
    {
        var frame = new ArrayBufferWriter<byte>();
        JournalRecord.Write(frame, JournalRecordKind.Clear, 0, "connection", GrainId.Create("connection", "n/c"), []);
        var bytes = frame.WrittenSpan.ToArray();

        Assert.False(JournalRecord.TryRead(bytes.AsSpan(0, bytes.Length - 1), out _, out _));
        bytes[^1] ^= 0x01;
        Assert.False(JournalRecord.TryRead(bytes, out _, out _));
    }
}
