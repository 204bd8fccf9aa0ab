using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using SriovForwarder.Kernel.Netlink.Wire;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Builds one netlink request in a reusable buffer: header, family struct, attributes and nests, each 4-byte aligned.</summary>
internal sealed class NetlinkMessageWriter
{
    private const int AttributeHeader = 4;
    private byte[] _buffer = new byte[512];
    private int _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Message => _buffer.AsSpan(0, _length);

    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>Starts a new message, discarding the previous one.</summary>
    public void Begin(ushort type, ushort flags, uint sequence)
    {
        _length = 0;
        Write(new NlMsgHdr { Type = type, Flags = flags, Sequence = sequence });
    }

    /// <summary>Appends a fixed struct, padded to 4 bytes.</summary>
    public void Write<T>(in T value)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var span = Reserve(size);
        MemoryMarshal.Write(span, in value);
    }

    public void Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var span = Reserve(AttributeHeader + value.Length);
        WriteAttributeHeader(span, type, AttributeHeader + value.Length);
        value.CopyTo(span[AttributeHeader..]);
    }

    public void Attribute<T>(ushort type, in T value)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var span = Reserve(AttributeHeader + size);
        WriteAttributeHeader(span, type, AttributeHeader + size);
        MemoryMarshal.Write(span[AttributeHeader..], in value);
    }

    /// <summary>Appends a NUL-terminated ASCII string attribute (interface names).</summary>
    public void AttributeString(ushort type, string value)
    {
        var length = Encoding.ASCII.GetByteCount(value) + 1;
        var span = Reserve(AttributeHeader + length);
        WriteAttributeHeader(span, type, AttributeHeader + length);
        Encoding.ASCII.GetBytes(value, span[AttributeHeader..]);
        span[AttributeHeader + length - 1] = 0;
    }

    /// <summary>Appends an address in network byte order (4 or 16 bytes).</summary>
    public void AttributeAddress(ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        Attribute(type, bytes[..written]);
    }

    /// <summary>Opens a nested attribute; pass the result to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        var start = _length;
        var span = Reserve(AttributeHeader);
        WriteAttributeHeader(span, type, AttributeHeader);
        return start;
    }

    public void EndNested(int start)
    {
        BitConverter.TryWriteBytes(_buffer.AsSpan(start, 2), (ushort)(_length - start));
    }

    /// <summary>Writes the total length into the header and returns the message.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        BitConverter.TryWriteBytes(_buffer.AsSpan(0, 4), (uint)_length);
        return Message;
    }

    private static void WriteAttributeHeader(Span<byte> span, ushort type, int length)
    {
        BitConverter.TryWriteBytes(span, (ushort)length);
        BitConverter.TryWriteBytes(span[2..], type);
    }

    private Span<byte> Reserve(int size)
    {
        var aligned = Align(size);
        if (_length + aligned > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + aligned));
        }

        var span = _buffer.AsSpan(_length, aligned);
        span.Clear();
        _length += aligned;
        return span[..size];
    }
}
