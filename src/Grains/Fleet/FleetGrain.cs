using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Fleet;

/// <summary>
/// The fleet view: the latest snapshot each node grain pushed, and liveness from cluster membership (a node is live
/// while an active silo carries its <c>nsm.node</c> metadata). Soft state only: a node that is live but has not
/// reported since this activation (the fleet grain moved after its silo left) is asked for its snapshot.
/// </summary>
public sealed partial class FleetGrain(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    TimeProvider time,
    ILogger<FleetGrain> logger) : Grain, IFleetGrain
{
    private readonly Dictionary<string, (NodeSnapshot Snapshot, DateTimeOffset At)> _reports = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task ReportAsync(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _reports[snapshot.Node] = (snapshot, time.GetUtcNow());
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FleetNode>> GetNodesAsync()
    {
        var live = LiveNodes();
        foreach (var node in live.Where(n => !_reports.ContainsKey(n)))
        {
            try
            {
                await ReportAsync(await GrainFactory.GetGrain<INodeGrain>(node).GetSnapshotAsync());
            }
            catch (Exception ex) when (ex is NodeUnavailableException or TimeoutException or OrleansException)
            {
                LogSnapshotFailed(logger, node, ex.Message);
            }
        }

        return [.. live.Union(_reports.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(n => _reports.TryGetValue(n, out var r)
                ? new FleetNode(n, live.Contains(n), r.At, r.Snapshot)
                : new FleetNode(n, live.Contains(n), null, null))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> FindNodesAsync(string resourceName, int count)
    {
        var nodes = await GetNodesAsync();
        return [.. nodes
            .Where(n => n.Live && n.Snapshot is not null
                && n.Snapshot.Resources.Any(r => r.Name == resourceName && r.Free >= count))
            .Select(n => n.Node)];
    }

    private HashSet<string> LiveNodes()
    {
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active))
        {
            if (metadata.GetSiloMetadata(member.SiloAddress).Metadata.TryGetValue(NodeKeys.SiloMetadataKey, out var node))
            {
                nodes.Add(node);
            }
        }

        return nodes;
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Fleet: cannot read the snapshot of live node {Node}: {Reason}")]
    private static partial void LogSnapshotFailed(ILogger logger, string node, string reason);
}
