using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Iterates the rtattr/nlattr list of a message payload; use in a foreach.</summary>
internal ref struct NetlinkAttributes(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public ushort Type { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public readonly NetlinkAttributes GetEnumerator() => this;

    public readonly NetlinkAttributes Current => this;

    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            return false;
        }

        // Strip NLA_F_NESTED and NLA_F_NET_BYTEORDER.
        Type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & 0x3fff);
        Value = _rest[4..length];
        var next = NetlinkMessageWriter.Align(length);
        _rest = next >= _rest.Length ? [] : _rest[next..];
        return true;
    }

    public static uint U32(ReadOnlySpan<byte> value) => BitConverter.ToUInt32(value);

    public static string String(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? value : value[..end]);
    }

    public static IPAddress Address(ReadOnlySpan<byte> value) => new(value);

    public static PhysicalAddress Mac(ReadOnlySpan<byte> value) => new(value.ToArray());
}
