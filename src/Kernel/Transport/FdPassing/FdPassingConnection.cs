using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>
/// One accepted unix socket connection for Kestrel whose reads use <c>recvmsg</c>, so the descriptors a peer sends
/// with <c>SCM_RIGHTS</c> (grpcfd) land in <see cref="Files"/> before the bytes they came with reach HTTP/2; Kestrel's
/// own socket transport would drop them. A dedicated thread blocks in <c>recvmsg</c> (NSMgr keeps one long-lived
/// connection, so this is one thread per peer, not per call); writes are plain blocking sends.
/// </summary>
public sealed class FdPassingConnection : ConnectionContext, IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature,
    IConnectionLifetimeFeature, IConnectionEndPointFeature
{
    private const int ReadSize = 16 * 1024;
    private static long _counter;

    // How long a closing connection may take to send what Kestrel wrote last; well inside the 2 s a shutdown may take.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMilliseconds(500);

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly string _endPoint;
    private readonly ILogger _logger;
    private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false));
    private readonly CancellationTokenSource _closed = new();
    private readonly FeatureCollection _features = new();
    private Thread? _reader;
    private Task _writer = Task.CompletedTask;
    private int _disposed;

    private FdPassingConnection(Socket socket, EndPoint local, ILogger logger)
    {
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _endPoint = local.ToString() ?? string.Empty;
        _logger = logger;
        LocalEndPoint = local;
        ConnectionId = "fdunix-" + Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        Items = new ConnectionItems();
        Items[ReceivedFileDescriptors.ItemsKey] = Files;
        Items[FdSendingQueue.ItemsKey] = Outgoing;
        ConnectionClosed = _closed.Token;
        _features.Set<IConnectionIdFeature>(this);
        _features.Set<IConnectionTransportFeature>(this);
        _features.Set<IConnectionItemsFeature>(this);
        _features.Set<IConnectionLifetimeFeature>(this);
        _features.Set<IConnectionEndPointFeature>(this);
    }

    /// <summary>The descriptors the peer passed on this connection.</summary>
    public ReceivedFileDescriptors Files { get; } = new();

    /// <summary>Descriptors to pass to the peer with the next bytes written (e.g. with a registry answer, as NSMgr does).</summary>
    public FdSendingQueue Outgoing { get; } = new();

    /// <inheritdoc />
    public override string ConnectionId { get; set; }

    /// <inheritdoc />
    public override IFeatureCollection Features => _features;

    /// <inheritdoc />
    public override IDictionary<object, object?> Items { get; set; }

    /// <inheritdoc />
    public override IDuplexPipe Transport { get; set; }

    /// <inheritdoc />
    public override CancellationToken ConnectionClosed { get; set; }

    /// <inheritdoc />
    public override EndPoint? LocalEndPoint { get; set; }

    /// <inheritdoc />
    public override EndPoint? RemoteEndPoint { get; set; }

    /// <summary>Makes the accepted socket blocking (only our own calls touch it) and starts reading and writing.</summary>
    public static FdPassingConnection Start(Socket accepted, EndPoint local, ILogger logger)
    {
        var connection = new FdPassingConnection(accepted, local, logger);
        var flags = LibC.Fcntl(connection._fd, LibC.FGetFl, 0);
        if (flags < 0 || LibC.Fcntl(connection._fd, LibC.FSetFl, flags & ~LibC.ONonblock) < 0)
        {
            throw new IOException($"cannot make the accepted socket blocking: errno {Marshal.GetLastPInvokeError()}");
        }

        connection._reader = new Thread(connection.ReadLoop) { IsBackground = true, Name = "fd-passing reader " + connection.ConnectionId };
        connection._reader.Start();
        connection._writer = Task.Run(connection.WriteLoopAsync);
        return connection;
    }

    /// <inheritdoc />
    public override void Abort(ConnectionAbortedException abortReason)
    {
        Shutdown();
        _output.Reader.CancelPendingRead();
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await base.DisposeAsync().ConfigureAwait(false);
            return;
        }

        // What Kestrel wrote before disposing (a stream's trailers, the GOAWAY) may still be in the pipe or being sent:
        // the writer sends it before the socket is shut, so the peer reads the status a handler ended with instead of a
        // connection cut short. The writer waits for Kestrel's next output, and Kestrel may dispose without completing
        // it first, hence the cancel; a peer that stops reading (a blocked send) is cut off after DrainTimeout.
        _output.Reader.CancelPendingRead();
        try
        {
            await _writer.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Shut below, which fails the blocked send.
        }

        Shutdown();
        await _writer.ConfigureAwait(false);
        _reader?.Join(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        Files.Dispose();
        Outgoing.Dispose();
        SignalClosed();
        // Cancelled first, so the reader's late SignalClosed (queued to the thread pool) sees IsCancellationRequested,
        // which a disposed source still answers, and never calls Cancel on it.
        _closed.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void SignalClosed()
    {
        if (!_closed.IsCancellationRequested)
        {
            _closed.Cancel();
        }
    }

    private void Shutdown()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer or by us.
        }
    }

    private void ReadLoop()
    {
        var control = FdReceiver.NewControlBuffer();
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = _input.Writer.GetMemory(ReadSize);
                var received = FdReceiver.Receive(_fd, memory, control, 0, Files, out var truncated, out var errno);
                if (received < 0)
                {
                    if (errno == LibC.EIntr)
                    {
                        continue;
                    }

                    error = new IOException($"recvmsg failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                    break;
                }

                if (truncated)
                {
                    FdPassingLog.ControlTruncated(_logger, _endPoint, LibC.MaxFdsPerMessage);
                }

                if (received == 0)
                {
                    break;
                }

                // The descriptors are stored before these bytes reach HTTP/2, so a handler never waits for a file that came with its own request.
                _input.Writer.Advance(received);
                if (_input.Writer.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            error = ex;
        }

        FdPassingLog.ConnectionEnded(_logger, _endPoint, error?.Message ?? "closed by the peer");
        _input.Writer.Complete(error);

        // Off this thread, so continuations of ConnectionClosed never run on the reader; DisposeAsync may have run already.
        ThreadPool.QueueUserWorkItem(static c => c.SignalClosed(), this, preferLocal: false);
    }

    private async Task WriteLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync().ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    SendAll(segment);
                }

                _output.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (IOException ex)
        {
            error = ex;
        }

        await _output.Reader.CompleteAsync(error).ConfigureAwait(false);
    }

    private unsafe void SendAll(ReadOnlyMemory<byte> segment)
    {
        if (segment.Length > 0 && !Outgoing.IsEmpty)
        {
            FdSender.Send(_fd, segment.Span[0], Outgoing);
            segment = segment[1..];
        }

        using var pinned = segment.Pin();
        var pointer = (byte*)pinned.Pointer;
        var left = segment.Length;
        while (left > 0)
        {
            var sent = LibC.Send(_fd, pointer, (nuint)left, LibC.MsgNoSignal);
            if (sent < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EIntr)
                {
                    continue;
                }

                throw new IOException($"send failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }

            pointer += sent;
            left -= (int)sent;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
