using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Storage;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// The reconcile-and-reclaim pass of one node (decision 007), run at start and periodically: every connection with
/// state on the node settles itself (undoes what a crash cut short, closes itself when its client is gone, says which
/// VF it holds), then the node releases the reservations no connection owns and, at start, makes again those a
/// connection owns but the node lost. Every action is logged by the grain that takes it and counted here.
/// </summary>
public sealed partial class NodeReconciler(
    IGrainFactory grains,
    IPersistedGrainKeys persisted,
    ReconcileCounters counters,
    TimeProvider time,
    ILogger<NodeReconciler> logger)
{
    private const string ConnectionStateName = "connection";

    /// <summary>Runs one pass for <paramref name="node"/>; <paramref name="atStart"/> also re-makes lost reservations.</summary>
    public async Task<ReconcilePassResult> RunAsync(string node, bool atStart, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var nodeGrain = grains.GetGrain<INodeGrain>(node);
        var connectionType = grains.GetGrain<IConnectionGrain>(NodeKeys.For(node, "-")).GetGrainId().Type;
        var ids = persisted.ListKeys(connectionType, ConnectionStateName)
            .Where(key => NodeKeys.NodeOf(key) == node)
            .Select(NodeKeys.NameOf)
            .ToHashSet(StringComparer.Ordinal);
        // State files written before keys were kept are still found through the node's reservations.
        foreach (var reservation in (await nodeGrain.GetSnapshotAsync()).Reservations)
        {
            ids.Add(reservation.ConnectionId);
        }

        var held = new List<HeldVf>();
        int live = 0, rolledBack = 0, clientGone = 0;
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ConnectionCheck check;
            try
            {
                check = await grains.GetGrain<IConnectionGrain>(NodeKeys.For(node, id)).ReconcileAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Its reservation is left alone this pass: an owner that cannot answer is not proven absent.
                LogCheckFailed(logger, id, ex.Message);
                if ((await nodeGrain.GetReservationAsync(id)) is { } reservation)
                {
                    held.Add(new HeldVf(id, reservation.TokenId, reservation.VfAddress, reservation.Driver));
                }

                continue;
            }

            switch (check.Outcome)
            {
                case ConnectionCheckOutcome.Live:
                    live++;
                    break;
                case ConnectionCheckOutcome.RolledBack:
                    rolledBack++;
                    break;
                case ConnectionCheckOutcome.ClientGone:
                    clientGone++;
                    break;
            }

            if (check.Vf is { } vf)
            {
                held.Add(vf);
            }
        }

        var report = await nodeGrain.ReconcileReservationsAsync(held, started, atStart);
        foreach (var (id, reason) in report.Refused)
        {
            LogRefused(logger, id, reason);
            await grains.GetGrain<IConnectionGrain>(NodeKeys.For(node, id)).CloseAsync(new Connection { Id = id });
        }

        var result = new ReconcilePassResult(live, rolledBack, clientGone, report.Released.Count, report.Adopted.Count, report.Refused.Count);
        counters.Add(result.RolledBack, result.ClientGone, result.Released, result.Adopted, result.Refused);
        if (result.ChangedAnything)
        {
            LogPass(logger, node, result.Live, result.RolledBack, result.ClientGone, result.Released, result.Adopted, result.Refused);
        }

        return result;
    }

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning,
        Message = "Reconcile of node {Node}: {Live} live connections; {RolledBack} cut short by a crash and undone, {ClientGone} closed because their client is gone, {Released} reservations without an owner released, {Adopted} made again for their owner, {Refused} refused")]
    private static partial void LogPass(ILogger logger, string node, int live, int rolledBack, int clientGone, int released, int adopted, int refused);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Reconcile: connection {ConnectionId} did not answer ({Reason}); its reservation is kept this pass")]
    private static partial void LogCheckFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Reconcile: connection {ConnectionId} records a VF that cannot be reserved again ({Reason}); closing it")]
    private static partial void LogRefused(ILogger logger, string connectionId, string reason);
}
