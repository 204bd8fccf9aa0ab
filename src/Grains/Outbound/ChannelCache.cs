using System.Collections.Concurrent;
using Grpc.Net.Client;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// One gRPC channel per URL, created on first use with the dial timeout (by <paramref name="create"/> when given) and
/// dropped after a failed call. Channels the cache creates itself are secured by <paramref name="security"/> (mutual
/// TLS), or plaintext without it.
/// </summary>
public sealed class ChannelCache(TimeSpan dialTimeout, Func<string, TimeSpan, GrpcChannel>? create = null, IClientConnectionSecurity? security = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);

    /// <summary>The channel for <paramref name="url"/>; throws <see cref="ArgumentException"/> for an unsupported URL.</summary>
    public GrpcChannel Get(string url) =>
        _channels.GetOrAdd(url, u => new Lazy<GrpcChannel>(() => create is null ? GrpcUrlChannelFactory.Create(u, dialTimeout, security: security) : create(u, dialTimeout))).Value;

    /// <summary>Forgets the channel of <paramref name="url"/> so the next call dials again.</summary>
    public void Drop(string url)
    {
        if (_channels.TryRemove(url, out var channel) && channel.IsValueCreated)
        {
            channel.Value.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var url in _channels.Keys)
        {
            Drop(url);
        }
    }
}
