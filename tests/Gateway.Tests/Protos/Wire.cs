using System.Text;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Builds protobuf byte vectors by hand: the caller writes every tag byte (field number &lt;&lt; 3 | wire type) itself.</summary>
internal static class Wire
{
    /// <summary>A length-delimited field (wire type 2): tag byte, varint length, payload.</summary>
    public static byte[] Len(byte tag, params byte[][] payload)
    {
        var body = payload.SelectMany(p => p).ToArray();
        return [tag, .. Varint((ulong)body.Length), .. body];
    }

    /// <summary>A length-delimited string field.</summary>
    public static byte[] Str(byte tag, string value) => Len(tag, Encoding.UTF8.GetBytes(value));

    /// <summary>A varint field (wire type 0).</summary>
    public static byte[] Var(byte tag, ulong value) => [tag, .. Varint(value)];

    /// <summary>A map entry as the protobuf spec encodes it: a nested message with key = field 1, value = field 2.</summary>
    public static byte[] MapEntry(byte tag, string key, string value) => Len(tag, Str(0x0A, key), Str(0x12, value));

    /// <summary>Concatenates the fields of one message.</summary>
    public static byte[] Msg(params byte[][] fields) => fields.SelectMany(f => f).ToArray();

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
