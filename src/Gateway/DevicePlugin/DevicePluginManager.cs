using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.Hosting;
using SriovForwarder.Gateway.PodResources;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// The kubelet device plugin of this node as a hosted service: once the node grain names its resources, it runs the
/// <see cref="KubeletRegistrar"/>, the <see cref="PodResourcesPolling"/> and the renewal of the
/// <see cref="NodeTokenSubscription"/> side by side. Never stops the process: without a kubelet it waits in the
/// background. On shutdown it starts stopping at the host's first stopping step, before Kestrel and the other services:
/// its loops end and every plugin server stops at once, in parallel (<see cref="ResourcePluginServers"/>), each ending
/// its ListAndWatch streams, so kubelet's streams never hold the exit.
/// </summary>
public sealed class DevicePluginManager(
    IGrainFactory grains,
    IOptions<KubeletDevicePluginOptions> options,
    NodeTokenSubscription subscription,
    PodResourcesPolling podResources,
    KubeletRegistrar registrar,
    ResourcePluginServers servers,
    AllocatedTokenTracker tracker,
    TimeProvider time,
    ILogger<DevicePluginManager> logger) : EarlyStoppingService
{
    private readonly string _node = options.Value.NodeName;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The tokens pods hold as far as this process knows.</summary>
    public AllocatedTokenTracker Tracker => tracker;

    /// <summary>The pod-resources restore and reconciliation (set once the resource names are known).</summary>
    public PodResourcesReconciler? Reconciler => podResources.Reconciler;

    /// <summary>Completes once the resource names are known and the token-pool subscription is in place.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The current socket path of each resource's plugin server (empty until kubelet is there).</summary>
    public IReadOnlyDictionary<string, string> SocketPaths => servers.SocketPaths;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var names = await GetResourceNamesAsync(stoppingToken).ConfigureAwait(false);
        await subscription.SubscribeAsync(stoppingToken).ConfigureAwait(false);
        podResources.Start(names);
        DevicePluginLog.Serving(logger, names.Count, _node, string.Join(", ", names));
        _ready.TrySetResult();
        await Task.WhenAll(
            registrar.RunAsync(names, stoppingToken),
            podResources.RunAsync(stoppingToken),
            subscription.RenewLoopAsync(stoppingToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task StopWorkAsync(CancellationToken cancellationToken)
    {
        // Ends the registration, pod-resources and renewal loops first, so no server is started or replaced meanwhile.
        await StopLoopAsync(cancellationToken).ConfigureAwait(false);
        var stopped = await servers.StopAllAsync().ConfigureAwait(false);
        DevicePluginLog.Stopped(logger, stopped);
        await subscription.UnsubscribeAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>> GetResourceNamesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await grains.GetGrain<INodeGrain>(_node).GetResourceNamesAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                DevicePluginLog.NodeUnavailable(logger, _node, ex.Message);
                await Task.Delay(NodeTokenSubscription.RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
