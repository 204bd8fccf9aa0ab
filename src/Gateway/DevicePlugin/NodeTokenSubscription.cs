using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// This process's subscription to the node grain's token-pool changes, which wake the ListAndWatch streams through
/// <see cref="TokenChangeSignal"/>: made once the node answers, renewed before it expires, removed on shutdown. A node grain
/// in this process tells the streams through <see cref="LocalTokenPoolSink"/> instead (decision 050) and skips it.
/// </summary>
public sealed class NodeTokenSubscription(
    IGrainFactory grains,
    IOptions<KubeletDevicePluginOptions> options,
    TokenChangeSignal changes,
    LocalTokenPoolSink localSink,
    TimeProvider time,
    ILogger<NodeTokenSubscription> logger)
{
    /// <summary>How long to wait before asking an unreachable node grain again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _node = options.Value.NodeName;
    private TokenPoolObserver? _observer;
    private ITokenPoolObserver? _reference;

    private INodeGrain Node => grains.GetGrain<INodeGrain>(_node);

    /// <summary>Subscribes (or renews), retrying until the node grain answers or <paramref name="cancellationToken"/> ends.</summary>
    public async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        // Orleans holds the local object of an object reference weakly: this field keeps it alive, or a collection would
        // silently end the notifications (ListAndWatch would stop hearing of token changes).
        _observer ??= new TokenPoolObserver(changes);
        _reference ??= grains.CreateObjectReference<ITokenPoolObserver>(_observer);
        // A node grain in this process tells the streams through the sink (decision 050) and skips this subscription; one in
        // another process (or none yet) still tells it.
        localSink.CoverSubscription(_reference);
        while (true)
        {
            try
            {
                await Node.SubscribeAsync(_reference).ConfigureAwait(false);
                // Changes made while we were not subscribed were not told: let the streams re-read.
                changes.Notify();
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                DevicePluginLog.NodeUnavailable(logger, _node, ex.Message);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Renews the subscription every <see cref="TokenPoolSubscription.RenewEvery"/> until cancelled.</summary>
    public async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TokenPoolSubscription.RenewEvery, time, cancellationToken).ConfigureAwait(false);
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the subscription if one was made; a silo already stopping is not an error (the subscription then expires).</summary>
    public async Task UnsubscribeAsync(CancellationToken cancellationToken)
    {
        if (_reference is null)
        {
            return;
        }

        try
        {
            await Node.UnsubscribeAsync(_reference).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The silo may already be stopping; the subscription then expires on its own.
        }
    }
}
