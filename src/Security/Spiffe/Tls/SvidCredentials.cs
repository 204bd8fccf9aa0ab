using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SriovForwarder.Security.Spiffe.Tls;

/// <summary>
/// The certificate context TLS presents for the current SVID (leaf, key and intermediates), made once per SVID: each
/// handshake asks for it, so a rotation takes effect with the next handshake and never for one in flight.
/// </summary>
public sealed class SvidCredentials(ISvidSource svids)
{
    private Presented? _presented;

    /// <summary>The SVID source these credentials read.</summary>
    public ISvidSource Source => svids;

    /// <summary>The context of <see cref="ISvidSource.Current"/>.</summary>
    public SslStreamCertificateContext Current()
    {
        var svid = svids.Current;
        if (Volatile.Read(ref _presented) is { } presented && ReferenceEquals(presented.Svid, svid))
        {
            return presented.Context;
        }

        // offline: the chain is what the agent sent; nothing is fetched from the network.
        var context = SslStreamCertificateContext.Create(svid.Certificate, [.. svid.Intermediates], offline: true);
        Volatile.Write(ref _presented, new Presented(svid, context));
        return context;
    }

    /// <summary>Verifies a TLS peer against the current SVID's bundles (see <see cref="SpiffeCertificateVerifier"/>).</summary>
    /// <param name="certificate">The peer's leaf as SslStream hands it to the validation callback.</param>
    /// <param name="chain">The chain SslStream built; its extra store holds the other certificates the peer sent.</param>
    /// <param name="peer">The verified identity.</param>
    /// <param name="error">Why the peer is refused.</param>
    public bool Verify(X509Certificate? certificate, X509Chain? chain, out PeerIdentity? peer, out string? error) =>
        SpiffeCertificateVerifier.TryVerify(
            certificate as X509Certificate2, chain?.ChainPolicy.ExtraStore, svids.Current.Bundles, at: null, out peer, out error);

    private sealed record Presented(X509Svid Svid, SslStreamCertificateContext Context);
}
