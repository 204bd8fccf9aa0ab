namespace SriovForwarder.Grains.Health;

/// <summary>
/// The node grain's health record of its PFs and VFs, persisted in its own state file (<c>health</c>), apart from the
/// allocation state, so a fault never rewrites reservations and a reservation never rewrites health.
/// </summary>
[GenerateSerializer, Alias("sriov.NodeHealthState")]
public sealed class NodeHealthState
{
    /// <summary>PCI address → health; a function without an entry is healthy and has been since the node started.</summary>
    [Id(0)] public Dictionary<string, FunctionHealthRecord> Functions { get; set; } = new(StringComparer.Ordinal);
}
