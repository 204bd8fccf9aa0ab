using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

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

    /// <summary>
    /// The channel's address says <c>http</c> because TLS is done in the connect callback, beneath the handler; grpc-dotnet
    /// would then refuse per-RPC call credentials (NSM's tokens) as unsafe, although the connection is encrypted.
    /// </summary>
    public static void AllowCallCredentials(GrpcChannelOptions options, IClientConnectionSecurity? security)
    {
        if (security is not null)
        {
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }
    }
}
