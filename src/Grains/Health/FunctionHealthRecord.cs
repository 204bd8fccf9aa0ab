namespace SriovForwarder.Grains.Health;

/// <summary>The persisted health of one PF or VF: the faults each source sees now (none = healthy) and since when it has been in this health.</summary>
[GenerateSerializer, Alias("sriov.FunctionHealthRecord")]
public sealed class FunctionHealthRecord
{
    /// <summary>True for a PF, false for a VF.</summary>
    [Id(0)] public bool IsPhysicalFunction { get; set; }

    /// <summary>Source (<see cref="HealthSources"/>) → what it sees wrong; empty when healthy.</summary>
    [Id(1)] public Dictionary<string, string> Faults { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When the function last turned healthy or unhealthy.</summary>
    [Id(2)] public DateTimeOffset Since { get; set; }

    /// <summary>The faults in one line, sources in name order; null when healthy.</summary>
    public string? Reason => Faults.Count == 0 ? null : string.Join("; ", Faults.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value));
}
