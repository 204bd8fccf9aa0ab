using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// A SPIFFE trust domain made in the test, as a SPIRE server would hold it: a self-signed root CA (P-256) whose
/// bundle is its certificate, issuing X.509-SVIDs whose single URI SAN is <c>spiffe://&lt;name&gt;/&lt;path&gt;</c>.
/// </summary>
public sealed class SpiffeTestTrustDomain : IDisposable
{
    private SpiffeTestTrustDomain(string name, X509Certificate2 root)
    {
        Name = name;
        Root = root;
    }

    /// <summary>The trust domain name, e.g. <c>example.org</c>.</summary>
    public string Name { get; }

    /// <summary>The root CA, with its private key; its public part is the bundle.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Makes a trust domain with a fresh root CA valid from a day ago to a day on.</summary>
    public static SpiffeTestTrustDomain Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} root CA, O=SPIFFE stand-in", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUri(new Uri($"spiffe://{name}"));
        request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new SpiffeTestTrustDomain(name, request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)));
    }

    /// <summary>The SPIFFE ID of <paramref name="path"/> in this domain.</summary>
    public string IdOf(string path) => $"spiffe://{Name}/{path.TrimStart('/')}";

    /// <summary>
    /// Issues an X.509-SVID leaf for <c>spiffe://&lt;name&gt;/&lt;path&gt;</c>, with its private key: P-256 by default,
    /// RSA 2048 with <paramref name="rsa"/> (an SVID our ES256 tokens cannot be made from).
    /// </summary>
    public X509Certificate2 Issue(string path, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool rsa = false)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsaRequestKey
            ? new CertificateRequest($"CN={path}, O=SPIFFE stand-in", rsaRequestKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={path}, O=SPIFFE stand-in", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = rsa ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUri(new Uri(IdOf(path)));
        request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddHours(1);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        // The generator form, because an RSA leaf under the P-256 root is allowed only that way.
        using var rootKey = Root.GetECDsaPrivateKey()!;
        using var issued = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), from, to, serial);
        return key is RSA rsaKey ? issued.CopyWithPrivateKey(rsaKey) : issued.CopyWithPrivateKey((ECDsa)key);
    }

    /// <summary>The SVID as the agent would hand out <paramref name="leaf"/> (no intermediates, this domain's bundle).</summary>
    public X509Svid Svid(X509Certificate2 leaf) =>
        new(CertificateSpiffeId.Of(leaf) ?? throw new ArgumentException("the leaf has no SPIFFE ID", nameof(leaf)),
            leaf, [], new Dictionary<string, X509Certificate2Collection>(StringComparer.Ordinal) { [Name] = [Root] });

    /// <inheritdoc />
    public void Dispose() => Root.Dispose();
}
