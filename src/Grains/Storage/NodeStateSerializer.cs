using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orleans.Storage;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// The serializer of the node's grain state files and journal (decision 046): the states listed in
/// <see cref="NodeStateJsonContext"/> are written as source-generated System.Text.Json behind a one-byte format marker;
/// a payload without the marker is Newtonsoft JSON as Orleans' default serializer wrote it before, and is read with it.
/// </summary>
/// <remarks>
/// The marker is a tab (<see cref="Marker"/>): Orleans' Newtonsoft serializer never starts a payload with whitespace, so
/// it tells the formats apart, while every JSON reader skips it, so the files stay JSON (the start-up check, a pager) and
/// a release before this one still reads them. Types not in the context go to the legacy serializer both ways.
/// </remarks>
public sealed class NodeStateSerializer(IGrainStorageSerializer legacy) : IGrainStorageSerializer
{
    /// <summary>The first byte of a payload in this format (System.Text.Json, format 1).</summary>
    public const byte Marker = (byte)'\t';

    // Relaxed escaping: the base64 of the protobuf fields and the '+' of a time zone stay as they are (these files are
    // read by us and by people, never embedded in HTML); no validation, the serializer writes well-formed JSON.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>Whether <paramref name="payload"/> was written in this format (else it is the legacy Newtonsoft JSON).</summary>
    public static bool IsCurrentFormat(ReadOnlySpan<byte> payload) => !payload.IsEmpty && payload[0] == Marker;

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input)
    {
        if (Metadata<T>.Info is not { } info)
        {
            return legacy.Serialize(input);
        }

        // One exact-size array per state: the storages keep it as it is (in memory, in the journal record, in the file).
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        buffer.GetSpan(1)[0] = Marker;
        buffer.Advance(1);
        var writer = _writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, input!, info);
        writer.Flush();
        return new BinaryData(buffer.WrittenSpan.ToArray());
    }

    /// <inheritdoc />
    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var payload = input.ToMemory().Span;
        if (!IsCurrentFormat(payload))
        {
            return legacy.Deserialize<T>(input);
        }

        var info = Metadata<T>.Info
            ?? throw new JsonException($"the state is in the System.Text.Json format (decision 046) but {typeof(T).Name} is not in {nameof(NodeStateJsonContext)}");
        return JsonSerializer.Deserialize(payload[1..], info)
            ?? throw new JsonException($"the state is a JSON null, not a {typeof(T).Name}");
    }

    // Looked up once per type: the context's own lookup compares the type against each state it knows.
    private static class Metadata<T>
    {
        public static readonly JsonTypeInfo<T>? Info = NodeStateJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>;
    }
}
