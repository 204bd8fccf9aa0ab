namespace SriovForwarder.Grains.Interfaces;

/// <summary>Timing of connection-event observer subscriptions (the same as the token pool's).</summary>
public static class ConnectionEventSubscription
{
    /// <summary>A subscription not renewed within this time is dropped by the monitor grain.</summary>
    public static readonly TimeSpan Lifetime = TokenPoolSubscription.Lifetime;

    /// <summary>How often subscribers renew: well inside <see cref="Lifetime"/>.</summary>
    public static readonly TimeSpan RenewEvery = TokenPoolSubscription.RenewEvery;
}
