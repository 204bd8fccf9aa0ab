namespace SriovForwarder.Grains.Node;

/// <summary>
/// The node grain's frequently written state: VF reservations and the tokens kubelet has allocated.
/// Kept apart from <see cref="NodeTokenIdsState"/> so each reservation rewrites a small file.
/// </summary>
[GenerateSerializer, Alias("sriov.NodeAllocationState")]
public sealed class NodeAllocationState
{
    [Id(0)] public List<ReservationRecord> Reservations { get; set; } = [];
    [Id(1)] public List<string> AllocatedTokenIds { get; set; } = [];
}
