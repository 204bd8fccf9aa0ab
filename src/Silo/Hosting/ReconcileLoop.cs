using SriovForwarder.Grains.Node;
using SriovForwarder.Grains.Placement;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// Runs the node's reconcile-and-reclaim pass every <c>NSM_RECONCILE_INTERVAL</c> after the start-up pass that
/// <see cref="NodeStartupCheck"/> runs; a failed pass is logged and the next one tries again.
/// </summary>
public sealed partial class ReconcileLoop(
    NodeReconciler reconciler,
    LocalNode node,
    TimeSpan interval,
    TimeProvider time,
    ILogger<ReconcileLoop> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await reconciler.RunAsync(node.Name, atStart: false, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(logger, node.Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Reconcile pass of node {Node} failed: {Reason}; the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string node, string reason);
}
