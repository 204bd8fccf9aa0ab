namespace SriovForwarder.Grains.Placement;

/// <summary>
/// Places a grain keyed <c>{node}/...</c> on the silo whose metadata <c>nsm.node</c> equals that node.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("sriov.NodeBoundPlacement")]
public sealed class NodeBoundPlacementStrategy : PlacementStrategy
{
    internal static readonly NodeBoundPlacementStrategy Instance = new();
}
