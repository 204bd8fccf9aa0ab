using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Netlink.Wire;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Receives one reply message: its type and payload after the nlmsghdr.</summary>
internal delegate void NetlinkReplyHandler(ushort type, ReadOnlySpan<byte> payload);

/// <summary>A NETLINK_ROUTE socket that sends a request and reads back its replies, acks and errors.</summary>
/// <remarks>Not thread-safe; <see cref="RouteNetlink"/> serialises access.</remarks>
internal sealed class NetlinkSocket : IDisposable
{
    private const int HeaderSize = 16;
    private readonly SafeSocketHandle _handle;
    private readonly int _fd;
    // Pooled: a socket opened per request inside a client namespace should not cost a fresh 16 KiB array each time.
    private byte[] _receive = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private uint _sequence = (uint)Environment.TickCount;

    private NetlinkSocket(int fd)
    {
        _fd = fd;
        _handle = new SafeSocketHandle(fd, ownsHandle: true);
    }

    public uint NextSequence() => ++_sequence;

    /// <summary>Creates the socket in the calling thread's network namespace.</summary>
    public static unsafe NetlinkSocket Create()
    {
        var fd = LibC.Socket(LibC.AfNetlink, LibC.SockRaw | LibC.SockCloExec, LibC.NetlinkRoute);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"socket(AF_NETLINK, NETLINK_ROUTE) failed: {Errno.Name(errno)} ({Errno.Describe(errno)})");
        }

        // Extended acks carry the kernel's own error text; capped acks do not echo the request back.
        // Both are optional: an old kernel without them still works.
        var one = 1;
        _ = LibC.SetSockOpt(fd, LibC.SolNetlink, LibC.NetlinkExtAck, &one, sizeof(int));
        _ = LibC.SetSockOpt(fd, LibC.SolNetlink, LibC.NetlinkCapAck, &one, sizeof(int));
        return new NetlinkSocket(fd);
    }

    /// <summary>Sends the finished message and consumes replies until the ack, the error or NLMSG_DONE.</summary>
    /// <exception cref="NetlinkException">The kernel answered with an error.</exception>
    public void Execute(ReadOnlySpan<byte> request, in NetlinkOperation operation, string netns, NetlinkReplyHandler? onReply = null)
    {
        // The fd number could already belong to another file after Dispose.
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var sequence = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
        Send(request);
        while (true)
        {
            var length = Receive();
            var data = _receive.AsSpan(0, length);
            while (data.Length >= HeaderSize)
            {
                var header = MemoryMarshal.Read<NlMsgHdr>(data);
                if (header.Length < HeaderSize || header.Length > data.Length)
                {
                    throw new IOException($"{operation.ToString()} in netns {netns}: malformed netlink reply (length {header.Length} of {data.Length})");
                }

                var payload = data[HeaderSize..(int)header.Length];
                var aligned = NetlinkMessageWriter.Align((int)header.Length);
                data = aligned >= data.Length ? [] : data[aligned..];
                if (header.Sequence != sequence)
                {
                    // A late reply to an earlier, abandoned request.
                    continue;
                }

                switch (header.Type)
                {
                    case NetlinkConstants.NlmsgError:
                        var error = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                        if (error == 0)
                        {
                            return;
                        }

                        throw new NetlinkException(operation.ToString(), netns, error, ExtendedAckMessage(header.Flags, payload));
                    case NetlinkConstants.NlmsgDone:
                        var done = payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                        if (done > 0)
                        {
                            throw new NetlinkException(operation.ToString(), netns, done);
                        }

                        return;
                    case NetlinkConstants.NlmsgNoop:
                        continue;
                    default:
                        onReply?.Invoke(header.Type, payload);
                        break;
                }
            }
        }
    }

    public void Dispose()
    {
        _handle.Dispose();
        var buffer = Interlocked.Exchange(ref _receive, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? ExtendedAckMessage(ushort flags, ReadOnlySpan<byte> payload)
    {
        if ((flags & NetlinkConstants.NlmFAckTlvs) == 0 || payload.Length < 4 + HeaderSize)
        {
            return null;
        }

        // With NETLINK_CAP_ACK the error payload is: int error, the request's nlmsghdr, then TLVs;
        // without it the whole request follows, whose length is in that header.
        var original = MemoryMarshal.Read<NlMsgHdr>(payload[4..]);
        var echoed = (flags & 0x100) != 0 ? HeaderSize : (int)original.Length;
        var offset = 4 + NetlinkMessageWriter.Align(echoed);
        if (offset > payload.Length)
        {
            return null;
        }

        foreach (var attribute in new NetlinkAttributes(payload[offset..]))
        {
            if (attribute.Type == NetlinkConstants.NlmsgerrAttrMsg)
            {
                return NetlinkAttributes.String(attribute.Value);
            }
        }

        return null;
    }

    private unsafe void Send(ReadOnlySpan<byte> request)
    {
        fixed (byte* pointer = request)
        {
            while (true)
            {
                var sent = LibC.Send(_fd, pointer, request.Length, 0);
                if (sent >= 0)
                {
                    return;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != LibC.EIntr)
                {
                    throw new IOException($"netlink send failed: {Errno.Name(errno)} ({Errno.Describe(errno)})");
                }
            }
        }
    }

    private unsafe int Receive()
    {
        while (true)
        {
            nint length;
            fixed (byte* pointer = _receive)
            {
                // Peek with MSG_TRUNC returns the full datagram size, so the buffer can grow before a large dump chunk is read.
                length = LibC.Recv(_fd, pointer, _receive.Length, LibC.MsgPeek | LibC.MsgTrunc);
            }

            if (length > _receive.Length)
            {
                ArrayPool<byte>.Shared.Return(_receive);
                _receive = ArrayPool<byte>.Shared.Rent(NetlinkMessageWriter.Align((int)length) + 4096);
            }

            if (length >= 0)
            {
                fixed (byte* pointer = _receive)
                {
                    length = LibC.Recv(_fd, pointer, _receive.Length, 0);
                }
            }

            if (length >= 0)
            {
                return (int)length;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.EIntr)
            {
                throw new IOException($"netlink receive failed: {Errno.Name(errno)} ({Errno.Describe(errno)})");
            }
        }
    }
}
