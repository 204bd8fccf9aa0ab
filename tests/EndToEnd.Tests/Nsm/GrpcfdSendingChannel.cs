using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Grpc.Net.Client;
using Microsoft.Win32.SafeHandles;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// STAND-IN for the Go NSMgr's grpcfd sending side (the real NSMgr cannot run here): a gRPC channel over a unix socket
/// that sends each queued file descriptor with <c>SCM_RIGHTS</c> on one byte of the next write, as grpcfd does.
/// </summary>
public sealed partial class GrpcfdSendingChannel : IDisposable
{
    private readonly ConcurrentQueue<SafeFileHandle> _queue = new();

    public GrpcfdSendingChannel(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new SendingStream(socket, _queue);
            },
        };
        Channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    public GrpcChannel Channel { get; }

    /// <summary>Opens <paramref name="path"/> and sends its descriptor with the next bytes written.</summary>
    public void QueueFile(string path) => _queue.Enqueue(File.OpenHandle(path, FileMode.Open, FileAccess.Read));

    public void Dispose()
    {
        Channel.Dispose();
        while (_queue.TryDequeue(out var handle))
        {
            handle.Dispose();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static unsafe partial nint SendMsg(int fd, MsgHdr* message, int flags);

    private sealed class SendingStream(Socket socket, ConcurrentQueue<SafeFileHandle> queue) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => socket.Receive(buffer, offset, count, SocketFlags.None);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length > 0 && !queue.IsEmpty)
            {
                SendWithDescriptors(buffer[0]);
                buffer = buffer[1..];
            }

            while (buffer.Length > 0)
            {
                buffer = buffer[socket.Send(buffer)..];
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                socket.Dispose();
            }

            base.Dispose(disposing);
        }

        private unsafe void SendWithDescriptors(byte first)
        {
            var handles = new List<SafeFileHandle>();
            while (handles.Count < 64 && queue.TryDequeue(out var handle))
            {
                handles.Add(handle);
            }

            var headerSize = sizeof(nuint) + 8;
            var control = new byte[headerSize + (((handles.Count * 4) + 7) & ~7)];
            fixed (byte* c = control)
            {
                *(nuint*)c = (nuint)(headerSize + (handles.Count * 4));
                *(int*)(c + sizeof(nuint)) = 1; // SOL_SOCKET
                *(int*)(c + sizeof(nuint) + 4) = 1; // SCM_RIGHTS
                for (var i = 0; i < handles.Count; i++)
                {
                    *(int*)(c + headerSize + (i * 4)) = (int)handles[i].DangerousGetHandle();
                }

                var data = first;
                var iov = new IoVec { Base = &data, Length = 1 };
                var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = c, ControlLength = (nuint)control.Length };
                var sent = SendMsg((int)socket.SafeHandle.DangerousGetHandle(), &message, 0x4000);
                var errno = Marshal.GetLastPInvokeError();
                handles.ForEach(h => h.Dispose());
                if (sent != 1)
                {
                    throw new IOException($"sendmsg with {handles.Count} descriptors failed: errno {errno}");
                }
            }
        }
    }
}
