using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Fleet;

/// <summary>
/// One resource's nodes in <see cref="FleetCapacityIndex"/>: sorted best first (most available, then by name) once per
/// driver view; a node that can give nothing for a view is left out of it but still counts as offering the resource.
/// </summary>
internal sealed class FleetResourceIndex
{
    private static readonly Comparer<FleetMatch> BestFirst = Comparer<FleetMatch>.Create(static (a, b) =>
        b.Available != a.Available ? b.Available.CompareTo(a.Available) : string.CompareOrdinal(a.Node, b.Node));

    private readonly SortedSet<FleetMatch> _any = new(BestFirst);
    private readonly SortedSet<FleetMatch> _kernel = new(BestFirst);
    private readonly SortedSet<FleetMatch> _vfioPci = new(BestFirst);
    private int _offering;

    /// <summary>Whether no node offers the resource any more.</summary>
    public bool IsEmpty => _offering == 0;

    /// <summary>The nodes that can give at least one, best first, for <paramref name="driver"/> (null: any driver).</summary>
    public SortedSet<FleetMatch> For(VfDriver? driver) => driver switch
    {
        VfDriver.Kernel => _kernel,
        VfDriver.VfioPci => _vfioPci,
        _ => _any,
    };

    /// <summary>Adds a node's capacity (the node must not be in the index for this resource).</summary>
    public void Add(string node, NodeCapacity capacity)
    {
        _offering++;
        AddTo(_any, node, capacity.Any);
        AddTo(_kernel, node, capacity.Kernel);
        AddTo(_vfioPci, node, capacity.VfioPci);
    }

    /// <summary>Removes the capacity <see cref="Add"/> added for the node.</summary>
    public void Remove(string node, NodeCapacity capacity)
    {
        _offering--;
        _any.Remove(new FleetMatch(node, capacity.Any));
        _kernel.Remove(new FleetMatch(node, capacity.Kernel));
        _vfioPci.Remove(new FleetMatch(node, capacity.VfioPci));
    }

    private static void AddTo(SortedSet<FleetMatch> set, string node, int available)
    {
        if (available > 0)
        {
            set.Add(new FleetMatch(node, available));
        }
    }
}
