using System.Net.Sockets;
using Grpc.Net.Client;
using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.Kernel.Transport;

/// <summary>Creates gRPC channels that speak plaintext HTTP/2 (h2c) over a unix socket, as NSM and kubelet sockets expect.</summary>
public static class UnixSocketChannelFactory
{
    /// <summary>The address gRPC puts in requests; the socket, not this host name, decides where they go.</summary>
    public static readonly Uri Address = new("http://localhost");

    /// <summary>The address of a channel secured by an <see cref="IClientConnectionSecurity"/>.</summary>
    public static readonly Uri SecureAddress = new("https://localhost");

    /// <summary>
    /// Creates a channel to the socket at <paramref name="socketPathOrUnixUrl"/> (a path, or a <c>unix:///path</c> URL).
    /// Each connection attempt fails after <paramref name="connectTimeout"/> (none when null) with an error naming the socket.
    /// </summary>
    /// <param name="socketPathOrUnixUrl">A socket path, or a <c>unix:///path</c> URL.</param>
    /// <param name="connectTimeout">How long one connection attempt may take; null waits as long as the call allows.</param>
    /// <param name="options">Further channel options; their <c>HttpHandler</c> is replaced by the unix-socket handler.</param>
    /// <param name="sendQueue">Descriptors to send with the next bytes written (grpcfd), or null.</param>
    /// <param name="receiveInto">Where descriptors the server passes go (grpcfd), or null to read without looking for them.</param>
    /// <param name="security">Secures each connection after it is made (mutual TLS); null speaks plaintext h2c.</param>
    public static GrpcChannel Create(
        string socketPathOrUnixUrl,
        TimeSpan? connectTimeout = null,
        GrpcChannelOptions? options = null,
        FdSendingQueue? sendQueue = null,
        ReceivedFileDescriptors? receiveInto = null,
        IClientConnectionSecurity? security = null)
    {
        var socketPath = ParseSocketPath(socketPathOrUnixUrl);
        if (connectTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(connectTimeout), timeout, "The connect timeout must be positive.");
        }

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) => await SecuredConnection.SecureAsync(
                await ConnectAsync(socketPath, connectTimeout, sendQueue, receiveInto, cancellationToken).ConfigureAwait(false),
                security,
                "unix://" + socketPath,
                cancellationToken).ConfigureAwait(false),
            EnableMultipleHttp2Connections = true,
        };
        options ??= new GrpcChannelOptions();
        options.HttpHandler = handler;
        options.DisposeHttpClient = true;
        return GrpcChannel.ForAddress(security is null ? Address : SecureAddress, options);
    }

    /// <summary>Returns the socket path of a plain path or a <c>unix://</c> URL, rejecting anything else with a clear message.</summary>
    public static string ParseSocketPath(string socketPathOrUnixUrl)
    {
        ArgumentNullException.ThrowIfNull(socketPathOrUnixUrl);
        var path = socketPathOrUnixUrl;
        if (socketPathOrUnixUrl.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(socketPathOrUnixUrl, UriKind.Absolute, out var uri) || uri.Scheme != "unix")
            {
                throw new ArgumentException(
                    $"'{socketPathOrUnixUrl}' is not a unix socket: expected a path or a unix:///path URL.", nameof(socketPathOrUnixUrl));
            }

            if (!string.IsNullOrEmpty(uri.Host))
            {
                throw new ArgumentException(
                    $"'{socketPathOrUnixUrl}' names host '{uri.Host}'; a unix socket URL has an empty host: unix:///path.", nameof(socketPathOrUnixUrl));
            }

            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }

        return UnixSocketFile.Validate(path);
    }

    private static async ValueTask<Stream> ConnectAsync(
        string socketPath, TimeSpan? timeout, FdSendingQueue? sendQueue, ReceivedFileDescriptors? receiveInto, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            timeoutSource.CancelAfter(limit);
        }

        var endPoint = new UnixDomainSocketEndPoint(socketPath);
        var backoff = TimeSpan.FromMilliseconds(5);
        var backlogFull = false;
        try
        {
            while (true)
            {
                // Closed in finally unless the stream took it over.
                Socket? socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endPoint, timeoutSource.Token).ConfigureAwait(false);
                    Stream stream = sendQueue is null && receiveInto is null
                        ? new NetworkStream(socket, ownsSocket: true)
                        : new FdPassingClientStream(socket, sendQueue, receiveInto);
                    socket = null;
                    return stream;
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain)
                {
                    // A unix listener whose backlog is full refuses at once with EAGAIN instead of making us wait:
                    // retry until the connect timeout, as a TCP connect would wait for a busy peer.
                    socket?.Dispose();
                    socket = null;
                    backlogFull = true;
                    await Task.Delay(backoff, timeoutSource.Token).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
                }
                catch (SocketException e)
                {
                    throw new IOException($"Cannot connect to unix socket '{socketPath}': {Describe(e.SocketErrorCode)} ({e.Message}).", e);
                }
                finally
                {
                    socket?.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var why = backlogFull ? " (its listener's backlog stayed full: it is not accepting connections)" : string.Empty;
            var message = $"Connecting to unix socket '{socketPath}' timed out after {timeout}{why}.";
            // An IOException, like the other connect failures, so that gRPC reports the call as Unavailable.
            throw new IOException(message, new TimeoutException(message));
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.AddressNotAvailable => "no socket file exists at that path",
        SocketError.ConnectionRefused => "the socket file exists but nothing is listening on it",
        SocketError.AccessDenied => "permission denied",
        _ => error.ToString(),
    };
}
