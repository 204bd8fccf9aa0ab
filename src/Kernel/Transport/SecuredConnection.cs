using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace SriovForwarder.Kernel.Transport;

/// <summary>Puts an <see cref="IClientConnectionSecurity"/> between a connected socket and a channel's HTTP/2.</summary>
internal static class SecuredConnection
{
    /// <summary>Returns <paramref name="connection"/> secured by <paramref name="security"/> (or as is without one); disposes it when the handshake fails.</summary>
    public static async ValueTask<Stream> SecureAsync(Stream connection, IClientConnectionSecurity? security, string target, CancellationToken cancellationToken)
    {
        if (security is null)
        {
            return connection;
        }

        try
        {
            return await security.SecureAsync(connection, target, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects a TCP socket to <paramref name="endPoint"/> and secures it.</summary>
    [SuppressMessage("Reliability", "CA2000", Justification = "The stream is returned, or disposed by SecureAsync when the handshake fails.")]
    public static async ValueTask<Stream> ConnectTcpAsync(DnsEndPoint endPoint, IClientConnectionSecurity security, string target, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return await SecureAsync(new NetworkStream(socket, ownsSocket: true), security, target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>https</c> with security (the handler then takes our SslStream as the TLS connection), else <c>http</c> (h2c).</summary>
    public static string Scheme(IClientConnectionSecurity? security) => security is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
}
