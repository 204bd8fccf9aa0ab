using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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

    /// <summary>Issues an X.509-SVID for <paramref name="path"/> (leaf with its P-256 key), valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (default: a minute ago, an hour on).</summary>
    public X509Certificate2 Issue(string path, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={path}, O=SPIFFE stand-in", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUri(new Uri(IdOf(path)));
        request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddHours(1);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Root, from, to, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <inheritdoc />
    public void Dispose() => Root.Dispose();
}
