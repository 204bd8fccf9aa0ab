using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace SriovForwarder.Security.Spiffe;

/// <summary>
/// The SPIFFE identity a TLS peer presented: the SPIFFE ID from its leaf certificate's single URI SAN, and that leaf.
/// This only reads the certificate; whether it chains to a trusted bundle was decided by the TLS handshake
/// (<see cref="Tls.SpiffeCertificateVerifier"/>), which is why only certificates from a finished handshake belong here.
/// </summary>
/// <param name="Id">The peer's SPIFFE ID.</param>
/// <param name="Certificate">The peer's leaf certificate (public part only).</param>
public sealed record PeerIdentity(SpiffeId Id, X509Certificate2 Certificate)
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>The identity in <paramref name="certificate"/>, or null when there is none or it holds no single SPIFFE ID.</summary>
    public static PeerIdentity? FromCertificate(X509Certificate2? certificate) =>
        certificate is not null && TryReadSpiffeId(certificate, out var id, out _) ? new PeerIdentity(id, certificate) : null;

    /// <summary>Reads the SPIFFE ID of an X.509-SVID: exactly one URI SAN, and it must be a valid SPIFFE ID.</summary>
    public static bool TryReadSpiffeId(X509Certificate2 certificate, [NotNullWhen(true)] out SpiffeId? id, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        id = null;
        var uris = UriSans(certificate);
        if (uris.Count != 1)
        {
            error = uris.Count == 0
                ? "the certificate has no URI subject alternative name (an X.509-SVID has exactly one, its SPIFFE ID)"
                : $"the certificate has {uris.Count} URI subject alternative names (an X.509-SVID has exactly one)";
            return false;
        }

        return SpiffeId.TryParse(uris[0], out id, out error);
    }

    private static List<string> UriSans(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        if (certificate.Extensions[SubjectAltNameOid] is not { } extension)
        {
            return uris;
        }

        // SubjectAlternativeName ::= GeneralNames; uniformResourceIdentifier is [6] IA5String (implicit).
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag.HasSameClassAndValue(uriTag))
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return uris;
    }
}
