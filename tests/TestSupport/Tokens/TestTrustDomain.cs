using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SriovForwarder.Security.Spiffe;

namespace SriovForwarder.TestSupport.Tokens;

/// <summary>
/// A SPIFFE trust domain made in the test (what SPIRE's CA would be): an ECDSA P-256 root that issues X.509-SVIDs with
/// a <c>spiffe://&lt;name&gt;/&lt;path&gt;</c> URI SAN. Certificates it issues belong to the caller to dispose.
/// </summary>
public sealed class TestTrustDomain : IDisposable
{
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestTrustDomain(string name)
    {
        Name = name;
        var request = new CertificateRequest($"CN={name} test root", _rootKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public string Name { get; }

    public X509Certificate2 Root { get; }

    /// <summary>The SPIFFE ID <c>spiffe://name/path</c>.</summary>
    public string IdOf(string path) => $"spiffe://{Name}/{path}";

    /// <summary>A leaf for <c>spiffe://name/path</c> with its private key (P-256, or RSA 2048 when <paramref name="rsa"/>), valid until <paramref name="notAfter"/> (default: 1 h).</summary>
    public X509Certificate2 Issue(string path, DateTimeOffset? notAfter = null, bool rsa = false)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA r
            ? new CertificateRequest($"CN={path}", r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={path}", (ECDsa)key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUri(new Uri(IdOf(path)));
        request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        // The generator form: an RSA leaf under the ECDSA root.
        using var issued = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(_rootKey),
            DateTimeOffset.UtcNow.AddMinutes(-5), notAfter ?? DateTimeOffset.UtcNow.AddHours(1), serial);
        return key is RSA rsaKey ? issued.CopyWithPrivateKey(rsaKey) : issued.CopyWithPrivateKey((ECDsa)key);
    }

    /// <summary>An SVID of <paramref name="leaf"/> (issued by this domain), with this domain's root as its bundle.</summary>
    public X509Svid Svid(X509Certificate2 leaf) =>
        new(Security.Tokens.CertificateSpiffeId.Of(leaf) ?? throw new ArgumentException("the leaf has no SPIFFE ID", nameof(leaf)),
            leaf, [], new Dictionary<string, X509Certificate2Collection>(StringComparer.Ordinal) { [Name] = [Root] });

    public void Dispose()
    {
        Root.Dispose();
        _rootKey.Dispose();
    }
}
