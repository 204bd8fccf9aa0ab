using Microsoft.Extensions.Options;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Placement;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Activates this node's grain once the silo runs, so a broken inventory (a PF missing from sysfs, no
/// IOMMU group) is reported at start-up, as upstream's phases 2 and 3 do, instead of on the first request.
/// A failure stops the start with a <see cref="StartupRefusedException"/> that names the cause.
/// </summary>
public sealed partial class NodeStartupCheck(
    IGrainFactory grains,
    NodeReconciler reconciler,
    LocalNode node,
    INodeInventorySource inventory,
    IOptions<PciOptions> pci,
    ILogger<NodeStartupCheck> logger) : IHostedService
{
    /// <summary>Set when the check failed; the program exits non-zero.</summary>
    public static bool Failed { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Read the hardware outside any grain first: the node grain reuses this read, and a failure here is not
            // wrapped in a grain activation error.
            await inventory.LoadAsync(cancellationToken);
            var snapshot = await grains.GetGrain<INodeGrain>(node.Name).GetSnapshotAsync();
            LogInventory(logger, node.Name, snapshot.PhysicalFunctions.Count, snapshot.PhysicalFunctions.Sum(pf => pf.TotalVfs),
                string.Join(", ", snapshot.Resources.Select(r => $"{r.Name}={r.Tokens}")));
            // Connections persisted before a restart get their cgroup grants and expiry timers back, what a crash cut short
            // is undone and reservations without an owner are released, before we serve (decision 007).
            var pass = await reconciler.RunAsync(node.Name, atStart: true, cancellationToken);
            LogConnectionsRestored(logger, pass.Live, pass.RolledBack, pass.Released);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed = true;
            throw new StartupRefusedException(Describe(ex), ex);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string Describe(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PciException pciFailure:
                    return $"Node {node.Name}: the SR-IOV inventory cannot be built from NSM_SRIOV_CONFIG_FILE and NSM_PCI_DEVICES_PATH={pci.Value.DevicesPath}: {pciFailure.Message}";
                case FileGrainStorageException storage:
                    // The start-up check has read every file already; this is one that parses but does not fit its grain.
                    return $"NSM_STATE_PATH: {storage.Message}; if it is corrupt, move it aside and start again (the README's \"Exit codes\" says what is lost)";
            }
        }

        return $"Node {node.Name}: the node's state cannot be loaded: {failure.GetType().Name}: {failure.Message}";
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Node {Node}: {PfCount} PFs with {VfCount} VFs; resources: {Resources}")]
    private static partial void LogInventory(ILogger logger, string node, int pfCount, int vfCount, string resources);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information,
        Message = "Restored {Count} connections; undid {RolledBack} cut short by a crash; released {Released} reservations without an owner")]
    private static partial void LogConnectionsRestored(ILogger logger, int count, int rolledBack, int released);
}
