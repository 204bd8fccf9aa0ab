using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Security.Spiffe.Tls;

/// <summary>
/// The client half of our mutual TLS (registry, next hop): each new connection presents the current SVID and accepts a
/// server only by the SPIFFE rules (<see cref="SpiffeCertificateVerifier"/>). It remembers whom each target URL last
/// proved to be, for tokens whose audience is the server (<see cref="ServerOf"/>, and <paramref name="peers"/>, where
/// the per-RPC token source looks for the audience of its tokens).
/// </summary>
public sealed partial class SpiffeClientTls(SvidCredentials credentials, ILogger<SpiffeClientTls> logger, PeerCertificates? peers = null)
    : IClientConnectionSecurity
{
    private readonly ConcurrentDictionary<string, PeerIdentity> _servers = new(StringComparer.Ordinal);

    /// <summary>The verified identity of the server last reached at <paramref name="target"/> (the URL dialled), or null before the first handshake.</summary>
    public PeerIdentity? ServerOf(string target) => _servers.TryGetValue(target, out var server) ? server : null;

    /// <inheritdoc />
    public async ValueTask<SslStream> SecureAsync(Stream connection, string target, CancellationToken cancellationToken)
    {
        PeerIdentity? server = null;
        string? refusal = null;
        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            // No host name: SPIFFE identifies by the URI SAN, checked in the callback.
            TargetHost = string.Empty,
            EnabledSslProtocols = SpiffeTlsProtocols.Enabled,
            ApplicationProtocols = SpiffeTlsProtocols.Alpn,
            ClientCertificateContext = credentials.Current(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => credentials.Verify(certificate, chain, out server, out refusal),
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            // The validation callback sets refusal during the handshake; the analyzer does not follow the capture.
#pragma warning disable CA1508
            var why = refusal ?? e.Message;
#pragma warning restore CA1508
            LogRefused(logger, target, why);
            // An IOException, so gRPC reports the call as Unavailable with this text, like other connect failures.
            throw new IOException($"mutual TLS with {target} failed: {why}", e);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _servers[target] = server!;
        peers?.Remember(target, server!.Certificate);
        return tls;
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "mutual TLS with {Target} failed: {Reason}")]
    private static partial void LogRefused(ILogger logger, string target, string reason);
}
