using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SriovForwarder.Security.Tokens;

/// <summary>The SPIFFE ID of an X.509-SVID: its single <c>spiffe://</c> URI in the subject alternative names.</summary>
public static class CertificateSpiffeId
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriName = new(TagClass.ContextSpecific, 6);

    /// <summary>The certificate's SPIFFE ID, or null when it has no URI SAN, several, or one that is not <c>spiffe://</c>.</summary>
    public static string? Of(X509Certificate2? certificate)
    {
        if (certificate?.Extensions[SubjectAlternativeNameOid] is not { } extension)
        {
            return null;
        }

        var uris = new List<string>();
        try
        {
            var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriName))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriName));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            return null;
        }

        return uris is [var only] && only.StartsWith("spiffe://", StringComparison.Ordinal) ? only : null;
    }
}
