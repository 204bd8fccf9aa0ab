using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace SriovForwarder.Security.Spiffe.Tls;

/// <summary>
/// Verifies a TLS peer by the SPIFFE X.509-SVID rules, as go-spiffe's <c>x509svid.Verify</c> does: the leaf holds exactly
/// one URI SAN, a SPIFFE ID, and is not a CA; its chain (through the intermediates it presented) ends at a root of the
/// bundle of <em>that ID's</em> trust domain, and only there (the system's roots play no part); every certificate is
/// within its validity period. No host name is checked and any SPIFFE ID is accepted (upstream's "authorize any").
/// </summary>
public static class SpiffeCertificateVerifier
{
    /// <summary>Verifies <paramref name="leaf"/>; on failure <paramref name="error"/> says why, naming the peer's SPIFFE ID when it has one.</summary>
    /// <param name="leaf">The peer's leaf certificate, or null when it presented none.</param>
    /// <param name="presented">The other certificates the peer presented (intermediates).</param>
    /// <param name="bundles">Trusted roots per trust domain (our SVID's bundles).</param>
    /// <param name="at">The time to check validity at; now when null.</param>
    /// <param name="peer">The verified identity.</param>
    /// <param name="error">Why the peer is refused.</param>
    public static bool TryVerify(
        X509Certificate2? leaf,
        X509Certificate2Collection? presented,
        IReadOnlyDictionary<string, X509Certificate2Collection> bundles,
        DateTime? at,
        [NotNullWhen(true)] out PeerIdentity? peer,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        peer = null;
        if (leaf is null)
        {
            error = "the peer presented no certificate (an X.509-SVID is required)";
            return false;
        }

        if (!PeerIdentity.TryReadSpiffeId(leaf, out var id, out error))
        {
            error = $"the peer's certificate '{leaf.Subject}' is not an X.509-SVID: {error}";
            return false;
        }

        if (leaf.Extensions.OfType<X509BasicConstraintsExtension>().Any(c => c.CertificateAuthority))
        {
            error = $"the peer's certificate for {id} is a CA certificate, not a leaf SVID";
            return false;
        }

        if (!bundles.TryGetValue(id.TrustDomain, out var roots) || roots.Count == 0)
        {
            error = $"the peer {id} belongs to trust domain '{id.TrustDomain}', for which we hold no bundle (we trust: {string.Join(", ", bundles.Keys)})";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented);
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = at ?? DateTime.Now;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(leaf))
        {
            var problems = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
            error = $"the peer's certificate for {id} does not verify against the bundle of trust domain '{id.TrustDomain}': {string.Join(", ", problems)}";
            return false;
        }

        peer = new PeerIdentity(id, leaf);
        return true;
    }
}
