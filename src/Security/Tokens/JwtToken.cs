using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace SriovForwarder.Security.Tokens;

/// <summary>
/// A JWS compact token split into its parts, as the NSM policies read it: the header and payload decoded as JSON (no
/// signature check on parsing, like OPA's <c>io.jwt.decode</c>), the claims the policies use, and ES256 verification
/// against a certificate's public key.
/// </summary>
public sealed class JwtToken
{
    private readonly string _signingInput;
    private readonly byte[] _signature;

    private JwtToken(string signingInput, JsonElement header, JsonElement payload, byte[] signature)
    {
        _signingInput = signingInput;
        Header = header;
        Payload = payload;
        _signature = signature;
    }

    /// <summary>The decoded header (<c>{"alg":"ES256","typ":"JWT"}</c> for ours).</summary>
    public JsonElement Header { get; }

    /// <summary>The decoded claims.</summary>
    public JsonElement Payload { get; }

    /// <summary>The signature bytes as sent (for ES256: r||s, 64 bytes).</summary>
    public ReadOnlySpan<byte> Signature => _signature;

    /// <summary>The <c>sub</c> claim, or null.</summary>
    public string? Subject => Payload.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;

    /// <summary>The <c>aud</c> claim as a list (a single string counts as one element, as OPA's policies index it).</summary>
    public IReadOnlyList<string> Audience
    {
        get
        {
            if (!Payload.TryGetProperty("aud", out var aud))
            {
                return [];
            }

            return aud.ValueKind switch
            {
                JsonValueKind.String => [aud.GetString()!],
                JsonValueKind.Array => [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)],
                _ => [],
            };
        }
    }

    /// <summary>The <c>exp</c> claim in seconds since the epoch (fractions kept), or null when absent or not a number.</summary>
    public double? ExpiresAtSeconds => Payload.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number ? exp.GetDouble() : null;

    /// <summary>
    /// Splits and decodes <paramref name="token"/>: three dot-separated base64url parts, header and payload JSON objects.
    /// False for anything else (the "tokens valid" policy).
    /// </summary>
    public static bool TryParse(string? token, out JwtToken parsed)
    {
        parsed = null!;
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3
            || !Base64Url.TryDecode(parts[0], out var header)
            || !Base64Url.TryDecode(parts[1], out var payload)
            || !Base64Url.TryDecode(parts[2], out var signature)
            || !TryObject(header, out var headerJson)
            || !TryObject(payload, out var payloadJson))
        {
            return false;
        }

        parsed = new JwtToken(parts[0] + "." + parts[1], headerJson, payloadJson, signature);
        return true;
    }

    /// <summary>
    /// Whether the token is ES256 and its signature verifies with the public key of <paramref name="certificate"/>
    /// (an ECDSA P-256 key; any other key, algorithm or signature size does not verify).
    /// </summary>
    public bool IsSignedBy(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!Header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "ES256" || _signature.Length != 64)
        {
            return false;
        }

        using var key = certificate.GetECDsaPublicKey();
        if (key is null || key.KeySize != 256)
        {
            return false;
        }

        return key.VerifyData(Encoding.ASCII.GetBytes(_signingInput), _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static bool TryObject(byte[] json, out JsonElement element)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            element = document.RootElement.Clone();
            return element.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }
}
