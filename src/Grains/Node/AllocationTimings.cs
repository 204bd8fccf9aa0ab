using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// This node's recent allocation latency (one per silo, which is one per node): the resourcepool element times the node
/// grain's reserve and the PF grain's bind, the connection grain the whole Request; the node grain reports the figures to
/// the fleet. Thread-safe: connection grains record concurrently.
/// </summary>
public sealed class AllocationTimings
{
    private readonly Lock _lock = new();
    private readonly LatencyWindow _reserve = new();
    private readonly LatencyWindow _bind = new();
    private readonly LatencyWindow _request = new();

    /// <summary>Grows with every sample, so a reader can tell whether the figures changed.</summary>
    public long Version { get; private set; }

    /// <summary>A node grain reserve took <paramref name="duration"/>.</summary>
    public void Reserved(TimeSpan duration) => Add(_reserve, duration);

    /// <summary>A PF grain bind (IOMMU group to driver) took <paramref name="duration"/>.</summary>
    public void Bound(TimeSpan duration) => Add(_bind, duration);

    /// <summary>A whole NSM Request through this forwarder took <paramref name="duration"/>.</summary>
    public void Requested(TimeSpan duration) => Add(_request, duration);

    /// <summary>The figures now.</summary>
    public AllocationLatency Figures()
    {
        lock (_lock)
        {
            return new AllocationLatency(_reserve.Figure(), _bind.Figure(), _request.Figure());
        }
    }

    private void Add(LatencyWindow window, TimeSpan duration)
    {
        lock (_lock)
        {
            window.Add(duration);
            Version++;
        }
    }
}
