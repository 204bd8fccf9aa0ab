using System.Globalization;
using Grpc.Core;

namespace SriovForwarder.Security.Tokens;

/// <summary>
/// The per-RPC token metadata of every NSM call (§10.7): <c>nsm-client-token</c> (the JWT) and
/// <c>nsm-client-token-expires</c> (its expiry as Go's RFC3339Nano: UTC, fractional seconds with trailing zeros trimmed).
/// </summary>
public static class TokenMetadata
{
    /// <summary>The header carrying the caller's JWT.</summary>
    public const string TokenKey = "nsm-client-token";

    /// <summary>The header carrying the JWT's expiry.</summary>
    public const string ExpiresKey = "nsm-client-token-expires";

    /// <summary>The two headers for <paramref name="token"/>.</summary>
    public static Metadata Headers(NsmToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new Metadata { { TokenKey, token.Value }, { ExpiresKey, FormatExpires(token.Expires) } };
    }

    /// <summary>Go's <c>time.RFC3339Nano</c> in UTC: <c>2026-12-06T20:31:05.1234567Z</c>, no trailing zeros, no dot for whole seconds.</summary>
    public static string FormatExpires(DateTimeOffset expires) =>
        expires.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an RFC 3339 time (any offset, up to 9 fractional digits; digits past .NET's 100 ns are cut).</summary>
    public static bool TryParseExpires(string? text, out DateTimeOffset expires)
    {
        expires = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // .NET parses at most 7 fractional digits; Go writes up to 9.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParseExact(text, ["yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK", "yyyy'-'MM'-'dd'T'HH':'mm':'ssK"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out expires);
    }

    /// <summary>
    /// The caller's token and expiry from <paramref name="headers"/>, as upstream's updatetoken reads them: exactly one
    /// value of each key and a parseable expiry, else false (upstream then warns and leaves the segment as it was).
    /// </summary>
    public static bool TryRead(Metadata headers, out string token, out DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(headers);
        token = "";
        expires = default;
        var tokens = headers.GetAll(TokenKey).ToList();
        var expiries = headers.GetAll(ExpiresKey).ToList();
        if (tokens is not [{ IsBinary: false } onlyToken] || expiries is not [{ IsBinary: false } onlyExpiry]
            || !TryParseExpires(onlyExpiry.Value, out expires))
        {
            return false;
        }

        token = onlyToken.Value;
        return true;
    }
}
