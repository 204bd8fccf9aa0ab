using Grpc.Net.Client;

using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.Kernel.Transport;

/// <summary>Turns the URLs NSM registers and passes around (<c>unix:///path</c>, <c>tcp://host:port</c>) into gRPC channels.</summary>
public static class GrpcUrlChannelFactory
{
    /// <summary>
    /// Creates a plaintext HTTP/2 channel for <paramref name="url"/>; connecting fails after <paramref name="connectTimeout"/>
    /// (NSM's dial timeout; none when null). On a unix socket, descriptors queued in <paramref name="sendQueue"/> go with
    /// the next bytes written (grpcfd); a TCP channel cannot carry them. With <paramref name="security"/> every connection
    /// is secured (mutual TLS) before HTTP/2 speaks; without it the channel is plaintext h2c.
    /// </summary>
    /// <exception cref="ArgumentException">The URL is malformed or its scheme is neither unix nor tcp.</exception>
    public static GrpcChannel Create(
        string url, TimeSpan? connectTimeout = null, GrpcChannelOptions? options = null, FdSendingQueue? sendQueue = null, IClientConnectionSecurity? security = null)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"'{url}' is not a URL: expected unix:///path or tcp://host:port.", nameof(url));
        }

        switch (uri.Scheme)
        {
            case "unix":
                return UnixSocketChannelFactory.Create(url, connectTimeout, options, sendQueue, security: security);
            case "tcp":
                if (string.IsNullOrEmpty(uri.Host) || uri.IsDefaultPort || uri.Port <= 0)
                {
                    throw new ArgumentException($"'{url}' lacks a host or a port: expected tcp://host:port.", nameof(url));
                }

                options ??= new GrpcChannelOptions();
                var handler = new SocketsHttpHandler
                {
                    ConnectTimeout = connectTimeout ?? Timeout.InfiniteTimeSpan,
                    EnableMultipleHttp2Connections = true,
                };
                if (security is not null)
                {
                    handler.ConnectCallback = (context, cancellationToken) => SecuredConnection.ConnectTcpAsync(context.DnsEndPoint, security, url, cancellationToken);
                }

                options.HttpHandler = handler;
                options.DisposeHttpClient = true;
                return GrpcChannel.ForAddress(new UriBuilder(SecuredConnection.Scheme(security), uri.Host, uri.Port).Uri, options);
            default:
                throw new ArgumentException(
                    $"'{url}' has scheme '{uri.Scheme}'; only unix:///path and tcp://host:port are supported.", nameof(url));
        }
    }
}
