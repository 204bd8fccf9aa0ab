using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// One gRPC channel per URL, created on first use with the dial timeout (by <paramref name="create"/> when given) and
/// retired after a call on it found the peer unreachable. Channels the cache creates itself are secured by
/// <paramref name="security"/> (mutual TLS), or plaintext without it.
/// </summary>
/// <remarks>
/// Many calls share one channel (every connection to the same next hop, every registry Find). A failed call therefore
/// must not dispose the channel under the others: disposing it cancels every call in flight on it ("gRPC call
/// disposed"), and each of those failures would drop the next channel in turn. So only a failure that says the peer is
/// gone (<see cref="StatusCode.Unavailable"/>: dial refused or timed out, connection reset) retires the channel, only the
/// instance that call used is removed (a concurrent failure does not remove the fresh channel a third call just made),
/// and the retired channel is disposed once the calls still on it have had <paramref name="retiredLinger"/> to end.
/// </remarks>
public sealed class ChannelCache(
    TimeSpan dialTimeout, Func<string, TimeSpan, GrpcChannel>? create = null, IClientConnectionSecurity? security = null, TimeSpan? retiredLinger = null)
    : IDisposable
{
    /// <summary>How long a retired channel stays open for the calls still on it, unless the owner says otherwise.</summary>
    public static readonly TimeSpan DefaultRetiredLinger = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GrpcChannel, byte> _retired = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly TimeSpan _retiredLinger = retiredLinger ?? DefaultRetiredLinger;

    /// <summary>The channel for <paramref name="url"/>; throws <see cref="ArgumentException"/> for an unsupported URL.</summary>
    public GrpcChannel Get(string url) =>
        _channels.GetOrAdd(url, u => new Lazy<GrpcChannel>(() => create is null ? GrpcUrlChannelFactory.Create(u, dialTimeout, security: security) : create(u, dialTimeout))).Value;

    /// <summary>
    /// A call on <paramref name="used"/> to <paramref name="url"/> failed with <paramref name="status"/>: when the peer was
    /// unreachable, the next call dials again on a new channel. Any other failure (the peer answered) keeps the channel.
    /// </summary>
    public void CallFailed(string url, GrpcChannel used, StatusCode status)
    {
        if (status != StatusCode.Unavailable
            || !_channels.TryGetValue(url, out var current)
            || !current.IsValueCreated
            || !ReferenceEquals(current.Value, used)
            || !_channels.TryRemove(KeyValuePair.Create(url, current)))
        {
            return;
        }

        Retire(used);
    }

    /// <summary>How many retired channels are still open (for tests).</summary>
    public int RetiredOpen => _retired.Count;

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed.Cancel();
        foreach (var url in _channels.Keys)
        {
            if (_channels.TryRemove(url, out var channel) && channel.IsValueCreated)
            {
                channel.Value.Dispose();
            }
        }

        foreach (var channel in _retired.Keys)
        {
            if (_retired.TryRemove(channel, out _))
            {
                channel.Dispose();
            }
        }

        _disposed.Dispose();
    }

    private void Retire(GrpcChannel channel)
    {
        _retired[channel] = 0;
        _ = DisposeLaterAsync(channel);
    }

    private async Task DisposeLaterAsync(GrpcChannel channel)
    {
        try
        {
            await Task.Delay(_retiredLinger, _disposed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The cache is being disposed: whichever of this and Dispose removes the channel first disposes it.
        }

        if (_retired.TryRemove(channel, out _))
        {
            channel.Dispose();
        }
    }
}
