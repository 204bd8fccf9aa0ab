using System.Net.Sockets;
using System.Runtime.InteropServices;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>
/// A client connection's unix socket stream that passes descriptors as grpcfd does. It sends those of its
/// <see cref="FdSendingQueue"/> with <c>SCM_RIGHTS</c> on exactly one byte of the next write (at most 64 per
/// message), the rest of the bytes written normally; with a <see cref="ReceivedFileDescriptors"/> store its reads use
/// <c>recvmsg</c> and keep what the peer passes (NSMgr passes a local NSE's socket with a registry answer).
/// </summary>
public sealed class FdPassingClientStream(Socket socket, FdSendingQueue? queue, ReceivedFileDescriptors? store) : Stream
{
    private const int MsgDontWait = 0x40;

    private readonly NetworkStream _inner = new(socket, ownsSocket: true);
    private readonly byte[] _control = FdReceiver.NewControlBuffer();

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (store is null || buffer.Length == 0)
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        while (true)
        {
            var received = FdReceiver.Receive(fd, buffer, _control, MsgDontWait, store, out _, out var errno);
            if (received >= 0)
            {
                return received;
            }

            if (errno != LibC.EAgain && errno != LibC.EIntr)
            {
                throw new IOException($"recvmsg failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }

            // A zero-byte receive completes once data is there, without taking it; recvmsg then reads it with its descriptors.
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0 && queue is { IsEmpty: false })
        {
            SendWithDescriptors(buffer[0]);
            buffer = buffer[1..];
        }

        _inner.Write(buffer);
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0 && queue is { IsEmpty: false })
        {
            SendWithDescriptors(buffer.Span[0]);
            buffer = buffer[1..];
        }

        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void SendWithDescriptors(byte first) => FdSender.Send((int)socket.SafeHandle.DangerousGetHandle(), first, queue!);
}
