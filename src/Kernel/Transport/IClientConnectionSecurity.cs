using System.Net.Security;

namespace SriovForwarder.Kernel.Transport;

/// <summary>
/// Secures a client connection once its socket is connected (mutual TLS with our SPIFFE identity), beneath HTTP/2 and
/// above the socket, so descriptors passed on a unix socket (grpcfd) still travel beside the encrypted bytes.
/// Absent (null) means plaintext h2c.
/// </summary>
public interface IClientConnectionSecurity
{
    /// <summary>
    /// Runs the handshake on <paramref name="connection"/> and returns the authenticated stream (ALPN h2). The channel's
    /// address is <c>https</c>, and SocketsHttpHandler speaks HTTP/2 over an <see cref="SslStream"/> its connect callback
    /// returns without a second handshake, so requests carry <c>:scheme https</c> as TLS servers (Kestrel) require.
    /// </summary>
    /// <param name="connection">The connected socket stream; the returned stream owns it.</param>
    /// <param name="target">The URL dialled (<c>unix:///path</c> or <c>tcp://host:port</c>), to remember whom it reached.</param>
    /// <param name="cancellationToken">Ends the handshake.</param>
    ValueTask<SslStream> SecureAsync(Stream connection, string target, CancellationToken cancellationToken);
}
