using Microsoft.Extensions.Options;
using SriovForwarder.Grains.Health;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Placement;

namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// The node's device-health sources (issue 13): the rtnetlink link watcher of the PF netdevs, event-driven, and the sysfs
/// health reconcile every <c>NSM_HEALTH_RECONCILE_INTERVAL</c> as the backstop for faults without a kernel event. Both
/// report to the node grain; a failed watch or pass is logged and tried again.
/// </summary>
public sealed partial class HealthLoop(
    IGrainFactory grains,
    LinkHealthForwarder links,
    LocalNode node,
    IOptions<NodeHealthOptions> options,
    TimeProvider time,
    ILogger<HealthLoop> logger) : BackgroundService
{
    /// <summary>How long a failed link watch waits before it starts again.</summary>
    public static readonly TimeSpan WatchRetryDelay = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WatchLinksAsync(stoppingToken), ReconcileAsync(stoppingToken));

    private async Task WatchLinksAsync(CancellationToken stoppingToken)
    {
        var nodeGrain = grains.GetGrain<INodeGrain>(node.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await links.RunAsync(nodeGrain, namespacePath: null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWatchFailed(logger, node.Name, ex.Message);
            }

            try
            {
                await Task.Delay(WatchRetryDelay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReconcileInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        var nodeGrain = grains.GetGrain<INodeGrain>(node.Name);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                try
                {
                    await nodeGrain.CheckHealthAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(logger, node.Name, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 8120, Level = LogLevel.Warning, Message = "Link watch of node {Node} failed: {Reason}; starting it again")]
    private static partial void LogWatchFailed(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 8121, Level = LogLevel.Warning, Message = "Health reconcile pass of node {Node} failed: {Reason}; the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string node, string reason);
}
