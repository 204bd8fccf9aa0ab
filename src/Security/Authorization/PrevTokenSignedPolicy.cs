using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// <c>prev_token_signed</c>: there is a previous segment (index ≥ 1) and its token verifies as ES256 with the caller's
/// certificate: the hop that called us made the token it claims as its own.
/// </summary>
public sealed class PrevTokenSignedPolicy : IAuthorizationPolicy
{
    /// <inheritdoc />
    public string Name => "prev_token_signed";

    /// <inheritdoc />
    public bool Allows(PolicyInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Index >= 1 && input.Index - 1 < input.Tokens.Count && input.PeerCertificate is { } caller
            && JwtToken.TryParse(input.Tokens[input.Index - 1], out var previous) && previous.IsSignedBy(caller);
    }
}
