using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SriovForwarder.Gateway.Transport.FdPassing;

/// <summary>
/// A client connection's unix socket stream that sends the descriptors of its <see cref="FdSendingQueue"/> as grpcfd
/// does: with <c>SCM_RIGHTS</c> on exactly one byte of the next write (at most 64 per message), the rest of the bytes
/// written normally.
/// </summary>
public sealed class FdSendingStream(Socket socket, FdSendingQueue queue) : Stream
{
    private readonly NetworkStream _inner = new(socket, ownsSocket: true);

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
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0 && !queue.IsEmpty)
        {
            SendWithDescriptors(buffer[0]);
            buffer = buffer[1..];
        }

        _inner.Write(buffer);
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0 && !queue.IsEmpty)
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

    private unsafe void SendWithDescriptors(byte first)
    {
        var handles = queue.Take(FdPassingNative.MaxFdsPerMessage);
        try
        {
            var control = new byte[FdPassingNative.ControlSpace(handles.Count)];
            fixed (byte* c = control)
            {
                *(nuint*)c = (nuint)(FdPassingNative.CmsgHeaderSize + (handles.Count * sizeof(int)));
                *(int*)(c + sizeof(nuint)) = FdPassingNative.SolSocket;
                *(int*)(c + sizeof(nuint) + 4) = FdPassingNative.ScmRights;
                for (var i = 0; i < handles.Count; i++)
                {
                    *(int*)(c + FdPassingNative.CmsgHeaderSize + (i * sizeof(int))) = (int)handles[i].DangerousGetHandle();
                }

                var data = first;
                var iov = new FdPassingNative.IoVec { Base = &data, Length = 1 };
                var message = new FdPassingNative.MsgHdr { Iov = &iov, IovLength = 1, Control = c, ControlLength = (nuint)control.Length };
                var fd = (int)socket.SafeHandle.DangerousGetHandle();
                while (true)
                {
                    var sent = FdPassingNative.SendMsg(fd, &message, FdPassingNative.MsgNoSignal);
                    if (sent == 1)
                    {
                        return;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == FdPassingNative.EIntr)
                    {
                        continue;
                    }

                    if (errno == FdPassingNative.EAgain)
                    {
                        // The socket is non-blocking under .NET; one byte only waits for buffer space.
                        Thread.Sleep(1);
                        continue;
                    }

                    throw new IOException($"unable to send {handles.Count} file descriptor(s): sendmsg failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
            }
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }
    }
}
