using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>Accepts unix socket connections and wraps each in a <see cref="FdPassingConnection"/>.</summary>
public sealed class FdPassingListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly ILogger _logger;

    private FdPassingListener(Socket socket, FdPassingUnixEndPoint endpoint, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        EndPoint = endpoint;
    }

    /// <inheritdoc />
    public EndPoint EndPoint { get; }

    /// <summary>Binds and listens on the endpoint's path (the caller removed any stale socket file).</summary>
    public static FdPassingListener Bind(FdPassingUnixEndPoint endpoint, ILogger logger)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(endpoint.Path));
            socket.Listen(512);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"cannot listen on unix socket {endpoint.Path}: {ex.Message}", ex);
        }

        return new FdPassingListener(socket, endpoint, logger);
    }

    /// <inheritdoc />
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument })
            {
                return null;
            }

            try
            {
                return FdPassingConnection.Start(accepted, EndPoint, _logger);
            }
            catch (IOException ex)
            {
                FdPassingLog.ConnectionSetupFailed(_logger, EndPoint.ToString() ?? string.Empty, ex.Message);
                accepted.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
