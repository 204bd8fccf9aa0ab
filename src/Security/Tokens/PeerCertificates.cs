using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace SriovForwarder.Security.Tokens;

/// <summary>
/// The leaf certificate each server we call presented in its TLS handshake, by the URL we dialled: upstream makes a
/// per-RPC token's audience from it. The mutual-TLS client records it when it verifies the server; without TLS nothing
/// is recorded and our per-RPC tokens carry no audience (as upstream's would without a peer certificate).
/// </summary>
public sealed class PeerCertificates
{
    private readonly ConcurrentDictionary<string, X509Certificate2> _byTarget = new(StringComparer.Ordinal);

    /// <summary>
    /// Records the leaf <paramref name="certificate"/> that the server at <paramref name="target"/> presented. A copy is
    /// kept: the handshake's certificate goes away with its TLS stream, while tokens are made for as long as the channel lives.
    /// </summary>
    public void Remember(string target, X509Certificate2 certificate) =>
        _byTarget[target] = X509CertificateLoader.LoadCertificate(certificate.RawData);

    /// <summary>The last leaf the server at <paramref name="target"/> presented, or null.</summary>
    public X509Certificate2? Find(string target) => _byTarget.TryGetValue(target, out var certificate) ? certificate : null;
}
