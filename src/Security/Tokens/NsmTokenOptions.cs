namespace SriovForwarder.Security.Tokens;

/// <summary>How the tokens this forwarder makes are bounded.</summary>
public sealed class NsmTokenOptions
{
    /// <summary>The upper bound of a token's lifetime, <c>NSM_MAX_TOKEN_LIFETIME</c> (upstream's code default: 10 min).</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
