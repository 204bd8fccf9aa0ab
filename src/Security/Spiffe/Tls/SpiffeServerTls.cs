using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Security.Spiffe.Tls;

/// <summary>
/// The server half of our mutual TLS on a Kestrel listener (the NSM socket, NSM_LISTEN_ON_TCP): a client certificate is
/// required and accepted only by the SPIFFE rules; each handshake presents the SVID current at that moment. It sits
/// in Kestrel's connection middleware, above the transport, so the fd-passing transport beneath keeps receiving
/// descriptors (decision 020). The verified peer is the connection's client certificate
/// (<c>HttpContext.Connection.ClientCertificate</c>; see <see cref="PeerIdentity"/>).
/// </summary>
public static partial class SpiffeServerTls
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Makes <paramref name="listen"/> speak mutual TLS with <paramref name="credentials"/>.</summary>
    public static ListenOptions UseSpiffeMutualTls(this ListenOptions listen, SvidCredentials credentials, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(credentials);
        var where = listen.EndPoint?.ToString() ?? "?";
        return listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = HandshakeTimeout,
            OnConnection = context => ValueTask.FromResult(ServerOptions(credentials, logger, where, context.Connection.ConnectionId)),
        });
    }

    /// <summary>The options of one server handshake: the current SVID, a required client SVID, TLS 1.2+, ALPN h2.</summary>
    public static SslServerAuthenticationOptions ServerOptions(SvidCredentials credentials, ILogger logger, string listener, string connectionId)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = credentials.Current(),
            ClientCertificateRequired = true,
            EnabledSslProtocols = SpiffeTlsProtocols.Enabled,
            ApplicationProtocols = SpiffeTlsProtocols.Alpn,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                if (credentials.Verify(certificate, chain, out _, out var refusal))
                {
                    return true;
                }

                LogRefused(logger, listener, connectionId, refusal!);
                return false;
            },
        };
    }

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "refused a TLS client on {Listener} (connection {ConnectionId}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string listener, string connectionId, string reason);
}
