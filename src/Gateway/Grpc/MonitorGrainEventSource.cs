using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// Subscribes each MonitorConnections stream to the node's <see cref="IConnectionMonitorGrain"/> as a grain observer and
/// renews the subscription every <see cref="ConnectionEventSubscription.RenewEvery"/> until the stream ends, as the
/// device plugin does with the node grain's token pool.
/// </summary>
public sealed partial class MonitorGrainEventSource(
    IGrainFactory grains,
    IOptions<NsmEndpointOptions> options,
    TimeProvider time,
    ILogger<MonitorGrainEventSource> logger) : IConnectionEventSource
{
    // Orleans holds a local observer weakly: the feeds are held here while they are subscribed.
    private readonly ConcurrentDictionary<ConnectionEventFeed, byte> _subscribed = new();

    /// <inheritdoc />
    public async Task<IAsyncDisposable> SubscribeAsync(ConnectionEventFeed feed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var monitor = grains.GetGrain<IConnectionMonitorGrain>(options.Value.NodeName);
        _subscribed[feed] = 0;
        var reference = grains.CreateObjectReference<IConnectionEventObserver>(feed);
        try
        {
            await monitor.SubscribeAsync(reference).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(feed, reference);
            throw;
        }

        return new Subscription(this, monitor, feed, reference);
    }

    private void Release(ConnectionEventFeed feed, IConnectionEventObserver reference)
    {
        try
        {
            grains.DeleteObjectReference<IConnectionEventObserver>(reference);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The client may already be stopping; the reference dies with it.
        }

        _subscribed.TryRemove(feed, out _);
        feed.Complete();
    }

    private async Task RenewAsync(IConnectionMonitorGrain monitor, IConnectionEventObserver reference, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Task.Delay(ConnectionEventSubscription.RenewEvery, time, cancellationToken).ConfigureAwait(false);
                // A monitor grain that lost the subscription (expired, or activated anew) sends a fresh initial state.
                await monitor.SubscribeAsync(reference).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRenewFailed(logger, options.Value.NodeName, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Renewing a MonitorConnections subscription to the connection events of node {Node} failed: {Reason}; retrying")]
    private static partial void LogRenewFailed(ILogger logger, string node, string reason);

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly MonitorGrainEventSource _source;
        private readonly IConnectionMonitorGrain _monitor;
        private readonly ConnectionEventFeed _feed;
        private readonly IConnectionEventObserver _reference;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;

        public Subscription(MonitorGrainEventSource source, IConnectionMonitorGrain monitor, ConnectionEventFeed feed, IConnectionEventObserver reference)
        {
            (_source, _monitor, _feed, _reference) = (source, monitor, feed, reference);
            _renewal = source.RenewAsync(monitor, reference, _stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewal.ConfigureAwait(false);
            _stop.Dispose();
            try
            {
                // One-way: a stream ending at shutdown does not wait for the silo; an unsent one expires on its own.
                _monitor.UnsubscribeAsync(_reference).Ignore();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The client may already be stopping.
            }

            _source.Release(_feed, _reference);
        }
    }
}
