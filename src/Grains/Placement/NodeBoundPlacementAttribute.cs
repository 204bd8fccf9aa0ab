using Orleans.Placement;

namespace SriovForwarder.Grains.Placement;

/// <summary>Marks a grain class as bound to the node named in its key (see <see cref="NodeBoundPlacementStrategy"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodeBoundPlacementAttribute : PlacementAttribute
{
    public NodeBoundPlacementAttribute()
        : base(NodeBoundPlacementStrategy.Instance)
    {
    }
}
