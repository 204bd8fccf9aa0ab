namespace SriovForwarder.Grains.Interfaces;

/// <summary>Timing of token-pool observer subscriptions.</summary>
public static class TokenPoolSubscription
{
    /// <summary>A subscription not renewed within this time is dropped by the node grain.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>How often subscribers renew: well inside <see cref="Lifetime"/>.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMinutes(1);
}
