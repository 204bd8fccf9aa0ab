using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;

namespace SriovForwarder.Security.Tests.Tokens;

public sealed class NsmTokenGeneratorTests : IDisposable
{
    // Now, in whole seconds plus 250 ms (certificates are valid from a few minutes before the real now).
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddMilliseconds(250);
    private readonly SpiffeTestTrustDomain _domain = SpiffeTestTrustDomain.Create("example.org");
    private readonly X509Certificate2 _forwarder;
    private readonly X509Certificate2 _nsmgr;
    private readonly FakeTimeProvider _time = new(Now);

    public NsmTokenGeneratorTests()
    {
        _forwarder = _domain.Issue("forwarder", notAfter: Now.AddHours(1));
        _nsmgr = _domain.Issue("nsmgr", notAfter: Now.AddHours(2));
    }

    [Fact]
    public void Generate_WithPeer_HeaderAndClaimsAreExactlyUpstreams()
    {
        var token = Generator(TimeSpan.FromMinutes(10)).Generate(_nsmgr);

        var parts = token.Value.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("""{"alg":"ES256","typ":"JWT"}""", Decode(parts[0]));
        var exp = Now.AddMinutes(10).ToUnixTimeSeconds();
        Assert.Equal($$"""{"sub":"spiffe://example.org/forwarder","aud":["spiffe://example.org/nsmgr"],"exp":{{exp}}}""", Decode(parts[1]));
        Assert.Equal(Now.AddMinutes(10), token.Expires);
        Assert.DoesNotContain('=', token.Value);
    }

    [Fact]
    public void Generate_WithoutPeer_HasNoAudience()
    {
        var token = Generator(TimeSpan.FromMinutes(10)).Generate(null);

        Assert.Equal($$"""{"sub":"spiffe://example.org/forwarder","exp":{{Now.AddMinutes(10).ToUnixTimeSeconds()}}}""", Decode(token.Value.Split('.')[1]));
    }

    [Fact]
    public void Generate_ExpiryIsTheEarliestOfLifetimeOwnCertificateAndPeerCertificate()
    {
        using var shortPeer = _domain.Issue("nsmgr", notAfter: Now.AddMinutes(3));

        var byLifetime = Generator(TimeSpan.FromMinutes(10)).Generate(_nsmgr);
        var byOwnCertificate = Generator(TimeSpan.FromHours(5)).Generate(_nsmgr);
        var byPeerCertificate = Generator(TimeSpan.FromMinutes(10)).Generate(shortPeer);

        Assert.Equal(Now.AddMinutes(10), byLifetime.Expires);
        Assert.Equal(new DateTimeOffset(_forwarder.NotAfter.ToUniversalTime()), byOwnCertificate.Expires);
        Assert.Equal(new DateTimeOffset(shortPeer.NotAfter.ToUniversalTime()), byPeerCertificate.Expires);
        Assert.True(JwtToken.TryParse(byPeerCertificate.Value, out var jwt));
        Assert.Equal(byPeerCertificate.Expires.ToUnixTimeSeconds(), jwt.ExpiresAtSeconds);
    }

    [Fact]
    public void Generate_SignatureIsRawRAndS_AndOpensslVerifiesIt()
    {
        var token = Generator(TimeSpan.FromMinutes(10)).Generate(_nsmgr);
        var parts = token.Value.Split('.');
        Assert.True(Base64Url.TryDecode(parts[2], out var signature));
        Assert.Equal(64, signature.Length);

        using var folder = new TempSocketFolder();
        File.WriteAllText(folder.Socket("input"), parts[0] + "." + parts[1]);
        File.WriteAllBytes(folder.Socket("sig.der"), OpenSsl.RawToDer(signature));
        using (var publicKey = _forwarder.GetECDsaPublicKey()!)
        {
            File.WriteAllText(folder.Socket("pub.pem"), publicKey.ExportSubjectPublicKeyInfoPem());
        }


        var (code, output) = OpenSsl.Run(folder.Path, "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "input");
        Assert.True(code == 0, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);

        File.WriteAllText(folder.Socket("input"), parts[0] + "." + parts[1] + "x");
        Assert.NotEqual(0, OpenSsl.Run(folder.Path, "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "input").Code);
    }

    [Fact]
    public void Generate_AfterRotation_SignsWithTheNewSvid()
    {
        using var rotated = _domain.Issue("forwarder");
        var source = new FixedSvidSource(_domain.Svid(_forwarder));
        var generator = new NsmTokenGenerator(source, TimeSpan.FromMinutes(10), _time);

        source.Rotate(_domain.Svid(rotated));
        Assert.True(JwtToken.TryParse(generator.Generate(_nsmgr).Value, out var jwt));

        Assert.True(jwt.IsSignedBy(rotated));
        Assert.False(jwt.IsSignedBy(_forwarder));
    }

    [Fact]
    public void Generate_RsaSvid_FailsNamingTheSvid()
    {
        using var rsa = _domain.Issue("rsa-forwarder", rsa: true);
        var generator = new NsmTokenGenerator(new FixedSvidSource(_domain.Svid(rsa)), TimeSpan.FromMinutes(10), _time);

        var error = Assert.Throws<InvalidOperationException>(() => generator.Generate(_nsmgr));

        Assert.Contains("spiffe://example.org/rsa-forwarder", error.Message, StringComparison.Ordinal);
        Assert.Contains("ES256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSignedBy_TokenSignedByOpensslWithThePeersKey_Verifies_AndTamperedOrOtherKeyDoesNot()
    {
        using var folder = new TempSocketFolder();
        var (keyCode, keyOutput) = OpenSsl.Run(folder.Path, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "peer.key", "-out", "peer.crt", "-days", "1", "-subj", "/CN=nsmgr", "-addext", "subjectAltName=URI:spiffe://example.org/nsmgr");
        Assert.True(keyCode == 0, keyOutput);
        var header = Base64Url.Encode("""{"alg":"ES256","typ":"JWT"}"""u8);
        var payload = Base64Url.Encode(Encoding.UTF8.GetBytes("""{"sub":"spiffe://example.org/nsmgr","aud":["spiffe://example.org/forwarder"],"exp":4102444800}"""));
        File.WriteAllText(folder.Socket("input"), header + "." + payload);
        var (signCode, signOutput) = OpenSsl.Run(folder.Path, "dgst", "-sha256", "-sign", "peer.key", "-out", "sig.der", "input");
        Assert.True(signCode == 0, signOutput);
        var token = header + "." + payload + "." + Base64Url.Encode(OpenSsl.DerToRaw(File.ReadAllBytes(folder.Socket("sig.der"))));
        using var peer = X509CertificateLoader.LoadCertificateFromFile(folder.Socket("peer.crt"));

        Assert.Equal("spiffe://example.org/nsmgr", CertificateSpiffeId.Of(peer));
        Assert.True(JwtToken.TryParse(token, out var jwt));
        Assert.True(jwt.IsSignedBy(peer));
        Assert.False(jwt.IsSignedBy(_nsmgr));
        var tampered = header + "." + Base64Url.Encode(Encoding.UTF8.GetBytes("""{"sub":"spiffe://example.org/nsmgr","exp":4102444800}""")) + "." + token.Split('.')[2];
        Assert.True(JwtToken.TryParse(tampered, out var tamperedJwt));
        Assert.False(tamperedJwt.IsSignedBy(peer));
    }

    public void Dispose()
    {
        _forwarder.Dispose();
        _nsmgr.Dispose();
        _domain.Dispose();
    }

    private NsmTokenGenerator Generator(TimeSpan lifetime) => new(new FixedSvidSource(_domain.Svid(_forwarder)), lifetime, _time);

    private static string Decode(string part) => Base64Url.TryDecode(part, out var bytes) ? Encoding.UTF8.GetString(bytes) : throw new FormatException(part);
}
