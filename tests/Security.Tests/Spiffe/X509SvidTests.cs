using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SriovForwarder.Security.Spiffe;

namespace SriovForwarder.Security.Tests.Spiffe;

public sealed class X509SvidTests
{
    [Fact]
    public void Svid_KeepsTheLeafWithItsPrivateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=forwarder", key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUri(new Uri("spiffe://example.org/forwarder"));
        request.CertificateExtensions.Add(sans.Build());
        using var leaf = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));

        var svid = new X509Svid("spiffe://example.org/forwarder", leaf, [], new Dictionary<string, X509Certificate2Collection>
        {
            ["example.org"] = [leaf],
        });

        Assert.True(svid.Certificate.HasPrivateKey);
        Assert.Single(svid.Bundles["example.org"]);
    }
}
