using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Placement;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Activates this node's grain once the silo runs, so a broken inventory (a PF missing from sysfs, no
/// IOMMU group) is reported at start-up, as upstream's phases 2 and 3 do, instead of on the first request.
/// </summary>
public sealed partial class NodeStartupCheck(
    IGrainFactory grains,
    NodeReconciler reconciler,
    LocalNode node,
    IHostApplicationLifetime lifetime,
    ILogger<NodeStartupCheck> logger) : IHostedService
{
    /// <summary>Set when the check failed; the program exits non-zero.</summary>
    public static bool Failed { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await grains.GetGrain<INodeGrain>(node.Name).GetSnapshotAsync();
            LogInventory(logger, node.Name, snapshot.PhysicalFunctions.Count, snapshot.PhysicalFunctions.Sum(pf => pf.TotalVfs),
                string.Join(", ", snapshot.Resources.Select(r => $"{r.Name}={r.Tokens}")));
            // Connections persisted before a restart get their cgroup grants and expiry timers back, what a crash cut short
            // is undone and reservations without an owner are released, before we serve (decision 007).
            var pass = await reconciler.RunAsync(node.Name, atStart: true, cancellationToken);
            LogConnectionsRestored(logger, pass.Live, pass.RolledBack, pass.Released);
        }
        catch (Exception ex)
        {
            Failed = true;
            LogInventoryFailed(logger, node.Name, ex.Message);
            lifetime.StopApplication();
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Node {Node}: {PfCount} PFs with {VfCount} VFs; resources: {Resources}")]
    private static partial void LogInventory(ILogger logger, string node, int pfCount, int vfCount, string resources);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information,
        Message = "Restored {Count} connections; undid {RolledBack} cut short by a crash; released {Released} reservations without an owner")]
    private static partial void LogConnectionsRestored(ILogger logger, int count, int rolledBack, int released);

    [LoggerMessage(EventId = 11, Level = LogLevel.Critical, Message = "Node {Node}: the SR-IOV inventory cannot be built: {Error}")]
    private static partial void LogInventoryFailed(ILogger logger, string node, string error);
}
