using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Placement;

/// <summary>
/// Chooses, among the compatible silos, the one that runs on the node named in the grain key, and
/// fails the call with <see cref="NodeUnavailableException"/> when that node has no live silo.
/// </summary>
/// <remarks>
/// The silo metadata cache fills asynchronously from membership, so a silo that has just joined may
/// briefly show no metadata: the director waits up to <see cref="MetadataGrace"/> for it before failing.
/// The local silo is recognised without the cache.
/// </remarks>
public sealed partial class NodeBoundPlacementDirector(
    ISiloMetadataCache metadataCache,
    LocalNode localNode,
    ILogger<NodeBoundPlacementDirector> logger) : IPlacementDirector
{
    /// <summary>How long a placement waits for the metadata of a freshly joined silo.</summary>
    public static readonly TimeSpan MetadataGrace = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    /// <inheritdoc />
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? string.Empty;
        var node = NodeKeys.NodeOf(key);
        if (node == localNode.Name && context.GetCompatibleSilos(target).Contains(context.LocalSilo))
        {
            return context.LocalSilo;
        }

        var deadline = DateTime.UtcNow + MetadataGrace;
        while (true)
        {
            var silos = context.GetCompatibleSilos(target);
            foreach (var silo in silos)
            {
                var metadata = metadataCache.GetSiloMetadata(silo);
                if (metadata.Metadata.TryGetValue(NodeKeys.SiloMetadataKey, out var siloNode) && siloNode == node)
                {
                    return silo;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                LogNoSiloForNode(logger, node, key, silos.Length);
                throw NodeUnavailableException.ForNode(node, key);
            }

            await Task.Delay(RetryDelay);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "No live silo runs on node {Node}: refusing to activate {GrainKey} ({SiloCount} compatible silos)")]
    private static partial void LogNoSiloForNode(ILogger logger, string node, string grainKey, int siloCount);
}
