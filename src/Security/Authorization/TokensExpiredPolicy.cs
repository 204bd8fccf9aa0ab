using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Security.Authorization;

/// <summary><c>tokens_expired</c> (passes when none is): every token's <c>exp</c> lies after now (fractional seconds).</summary>
public sealed class TokensExpiredPolicy : IAuthorizationPolicy
{
    /// <inheritdoc />
    public string Name => "tokens_expired";

    /// <inheritdoc />
    public bool Allows(PolicyInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var nowSeconds = now.ToUnixTimeMilliseconds() / 1000.0;
        return input.Tokens.All(t => JwtToken.TryParse(t, out var jwt) && jwt.ExpiresAtSeconds is { } exp && exp > nowSeconds);
    }
}
