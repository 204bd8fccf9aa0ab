using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Security.Authorization;

/// <summary>
/// <c>next_token_signed</c> (registry client): the segment after ours has a token that verifies as ES256 with the
/// server's certificate: NSMgr signed the segment it added.
/// </summary>
public sealed class NextTokenSignedPolicy : IAuthorizationPolicy
{
    /// <inheritdoc />
    public string Name => "next_token_signed";

    /// <inheritdoc />
    public bool Allows(PolicyInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Index >= 0 && input.Index + 1 < input.Tokens.Count && input.PeerCertificate is { } server
            && JwtToken.TryParse(input.Tokens[input.Index + 1], out var next) && next.IsSignedBy(server);
    }
}
