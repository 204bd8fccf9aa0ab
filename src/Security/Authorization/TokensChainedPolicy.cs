using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// <c>tokens_chained</c>: fewer than two tokens, or for every adjacent pair the first token's <c>aud</c> names the second
/// token's <c>sub</c>: each hop made its token for the next hop, so no segment was spliced in.
/// </summary>
public sealed class TokensChainedPolicy : IAuthorizationPolicy
{
    /// <inheritdoc />
    public string Name => "tokens_chained";

    /// <inheritdoc />
    public bool Allows(PolicyInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        for (var i = 0; i + 1 < input.Tokens.Count; i++)
        {
            if (!JwtToken.TryParse(input.Tokens[i], out var from) || !JwtToken.TryParse(input.Tokens[i + 1], out var to)
                || to.Subject is not { } subject || !from.Audience.Contains(subject, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
