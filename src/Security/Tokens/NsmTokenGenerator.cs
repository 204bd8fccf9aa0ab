using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SriovForwarder.Security.Spiffe;

namespace SriovForwarder.Security.Tokens;

/// <summary>
/// Upstream's token generator (sdk <c>token.NewGeneratorFunc</c>, §11.2): an ES256 JWT signed with our X.509-SVID's key,
/// <c>sub</c> our SPIFFE ID, <c>aud</c> an array with the peer's SPIFFE ID when the peer's certificate is known, and
/// <c>exp</c> the earliest of now + <c>NSM_MAX_TOKEN_LIFETIME</c>, our leaf's NotAfter and the peer leaf's NotAfter. The
/// SVID is read per token, so a rotation takes effect on the next one.
/// </summary>
public sealed class NsmTokenGenerator(ISvidSource svids, TimeSpan maxLifetime, TimeProvider time)
{
    // The header jwt-go writes: its map sorted by key by encoding/json.
    private static readonly string EncodedHeader = Base64Url.Encode("""{"alg":"ES256","typ":"JWT"}"""u8);

    /// <summary>The upper bound of a token's lifetime (<c>NSM_MAX_TOKEN_LIFETIME</c>).</summary>
    public TimeSpan MaxLifetime { get; } = maxLifetime;

    /// <summary>
    /// A token for <paramref name="peer"/> (the server we call, or the caller we answer); null when the peer is unknown.
    /// Throws <see cref="InvalidOperationException"/> when our SVID's key is not ECDSA P-256 (ES256 needs it).
    /// </summary>
    public NsmToken Generate(X509Certificate2? peer)
    {
        var svid = svids.Current;
        using var key = svid.Certificate.GetECDsaPrivateKey();
        if (key is null || key.KeySize != 256)
        {
            throw new InvalidOperationException(
                $"cannot make an NSM token: the key of our SVID {svid.SpiffeId} is not ECDSA P-256, and NSM tokens are ES256");
        }

        var expires = time.GetUtcNow() + MaxLifetime;
        expires = Earliest(expires, new DateTimeOffset(svid.Certificate.NotAfter.ToUniversalTime()));
        var audience = CertificateSpiffeId.Of(peer);
        if (peer is not null)
        {
            expires = Earliest(expires, new DateTimeOffset(peer.NotAfter.ToUniversalTime()));
        }

        var signingInput = EncodedHeader + "." + Base64Url.Encode(Claims(svid.SpiffeId, audience, expires));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new NsmToken(signingInput + "." + Base64Url.Encode(signature), expires);
    }

    /// <summary>
    /// The claims in jwt-go's RegisteredClaims field order (sub, aud, exp; empty ones omitted). <c>exp</c> is whole
    /// seconds, cut as jwt-go's NumericDate does; <c>aud</c> is an array even for one element, as the policies index it.
    /// </summary>
    private static byte[] Claims(string subject, string? audience, DateTimeOffset expires)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("sub", subject);
            if (audience is not null)
            {
                json.WriteStartArray("aud");
                json.WriteStringValue(audience);
                json.WriteEndArray();
            }

            json.WriteNumber("exp", expires.ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
