using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Security.Authorization;

/// <summary><c>tokens_valid</c>: there are no segments, or every token decodes as a JWT (no signature check).</summary>
public sealed class TokensValidPolicy : IAuthorizationPolicy
{
    /// <inheritdoc />
    public string Name => "tokens_valid";

    /// <inheritdoc />
    public bool Allows(PolicyInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Tokens.All(t => JwtToken.TryParse(t, out _));
    }
}
