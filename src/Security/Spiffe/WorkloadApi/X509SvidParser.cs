using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SriovForwarder.Api.Spiffe;

namespace SriovForwarder.Security.Spiffe.WorkloadApi;

/// <summary>
/// Turns one <c>X509SVIDResponse</c> of the Workload API into an <see cref="X509Svid"/>: the first SVID of the list
/// (as upstream's X.509 source picks it), its DER chain (leaf first), its PKCS#8 key, its trust domain's bundle and the
/// federated bundles.
/// </summary>
public static class X509SvidParser
{
    private const string SpiffeScheme = "spiffe://";

    /// <summary>Parses <paramref name="response"/>; throws <see cref="FormatException"/> naming the field that is wrong.</summary>
    public static X509Svid Parse(X509SVIDResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Svids.Count == 0)
        {
            throw new FormatException("the Workload API answer holds no SVID (svids is empty): is this workload registered with the SPIRE server?");
        }

        var svid = response.Svids[0];
        var id = SpiffeId.TryParse(svid.SpiffeId, out var parsed, out var idError)
            ? parsed
            : throw new FormatException($"svids[0].spiffe_id '{svid.SpiffeId}' is not a SPIFFE ID: {idError}");
        var chain = ReadCertificates(svid.X509Svid.Span, "svids[0].x509_svid");
        if (chain.Count == 0)
        {
            throw new FormatException("svids[0].x509_svid holds no certificate");
        }

        if (!PeerIdentity.TryReadSpiffeId(chain[0], out var leafId, out var leafError) || leafId != id)
        {
            throw new FormatException($"svids[0].x509_svid: the leaf's URI SAN does not name {id} ({leafError ?? leafId?.ToString()})");
        }

        X509Certificate2 leaf;
        using (var publicLeaf = chain[0])
        {
            leaf = WithPrivateKey(publicLeaf, svid.X509SvidKey.Span);
        }

        var bundles = new Dictionary<string, X509Certificate2Collection>(StringComparer.Ordinal)
        {
            [id.TrustDomain] = [.. ReadCertificates(svid.Bundle.Span, "svids[0].bundle")],
        };
        foreach (var (trustDomain, der) in response.FederatedBundles)
        {
            var name = trustDomain.StartsWith(SpiffeScheme, StringComparison.Ordinal) ? trustDomain[SpiffeScheme.Length..] : trustDomain;
            if (name != id.TrustDomain)
            {
                bundles[name] = [.. ReadCertificates(der.Span, $"federated_bundles[{trustDomain}]")];
            }
        }

        return new X509Svid(id.ToString(), leaf, chain.Skip(1).ToList(), bundles);
    }

    /// <summary>Splits concatenated DER certificates, as the Workload API sends chains and bundles.</summary>
    public static List<X509Certificate2> ReadCertificates(ReadOnlySpan<byte> der, string field)
    {
        var certificates = new List<X509Certificate2>();
        try
        {
            while (!der.IsEmpty)
            {
                AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.DER, out _, out _, out var length);
                certificates.Add(X509CertificateLoader.LoadCertificate(der[..length]));
                der = der[length..];
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new FormatException($"{field} is not concatenated DER certificates: {e.Message}", e);
        }

        return certificates;
    }

    private static X509Certificate2 WithPrivateKey(X509Certificate2 leaf, ReadOnlySpan<byte> pkcs8)
    {
        try
        {
            switch (leaf.GetKeyAlgorithm())
            {
                case "1.2.840.10045.2.1":
                    using (var ecdsa = ECDsa.Create())
                    {
                        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                        return leaf.CopyWithPrivateKey(ecdsa);
                    }

                case "1.2.840.113549.1.1.1":
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                        return leaf.CopyWithPrivateKey(rsa);
                    }

                default:
                    throw new FormatException($"svids[0].x509_svid: the leaf's key algorithm {leaf.GetKeyAlgorithm()} is neither EC nor RSA");
            }
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"svids[0].x509_svid_key is not an unencrypted PKCS#8 key matching the leaf: {e.Message}", e);
        }
    }
}
