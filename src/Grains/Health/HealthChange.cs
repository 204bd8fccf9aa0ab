namespace SriovForwarder.Grains.Health;

/// <summary>What one health report changed: whether any record changed (to persist), and the VFs whose effective health flipped.</summary>
/// <param name="RecordsChanged">A fault appeared, went or changed its text.</param>
/// <param name="TurnedUnhealthy">VFs unusable now (their own fault or their PF's) that were usable before, with the reason.</param>
/// <param name="TurnedHealthy">VFs usable again.</param>
public sealed record HealthChange(
    bool RecordsChanged,
    IReadOnlyDictionary<string, string> TurnedUnhealthy,
    IReadOnlyList<string> TurnedHealthy)
{
    /// <summary>Nothing changed.</summary>
    public static readonly HealthChange None = new(false, new Dictionary<string, string>(), []);

    /// <summary>Whether the usable VFs changed (observers and the fleet must hear of it).</summary>
    public bool VfsChanged => TurnedUnhealthy.Count > 0 || TurnedHealthy.Count > 0;
}
