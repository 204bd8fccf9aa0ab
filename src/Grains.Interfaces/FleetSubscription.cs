namespace SriovForwarder.Grains.Interfaces;

/// <summary>How long a fleet watch subscription lives unless renewed: a watcher renews well before (every third of it).</summary>
public static class FleetSubscription
{
    /// <summary>The lifetime of one subscription.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(3);
}
