using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Transport.FdPassing;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// Non-watch <c>Find</c> calls on the NSM registry at <c>NSM_CONNECT_TO</c>, for next-hop discovery. Over a unix socket
/// it receives the descriptors NSMgr passes with its answers (upstream's recvfd client): a local NSE registered as
/// <c>inode://dev/ino</c> comes back dialable as <c>unix:///proc/&lt;pid&gt;/fd/&lt;n&gt;</c>. Those socket
/// descriptors (O_PATH, one per NSE socket) are kept while this client lives, since connections dial them again on
/// refresh and Close. In SPIFFE mode every call carries our per-RPC token.
/// </summary>
public sealed class RegistryClient : INsmRegistryClient, IDisposable
{
    private static readonly TimeSpan PassedSocketWait = TimeSpan.FromSeconds(1);

    private readonly NextHopOptions _options;
    private readonly ReceivedFileDescriptors _received = new();
    private readonly ConcurrentDictionary<InodeId, ReceivedFile> _sockets = new();
    private readonly ChannelCache _channels;
    private readonly NsmTokenSource? _tokens;

    /// <summary>
    /// Creates the client for <see cref="NextHopOptions.ConnectTo"/>; mutual TLS with <paramref name="security"/>, else
    /// plaintext; <paramref name="tokens"/> signs its calls in SPIFFE mode.
    /// </summary>
    public RegistryClient(IOptions<NextHopOptions> options, IClientConnectionSecurity? security = null, NsmTokenSource? tokens = null)
    {
        _options = options.Value;
        _tokens = tokens;
        _channels = new ChannelCache(TimeSpan.FromMilliseconds(300), (url, timeout) => url.StartsWith("unix://", StringComparison.Ordinal)
            ? UnixSocketChannelFactory.Create(url, timeout, receiveInto: _received, security: security)
            : GrpcUrlChannelFactory.Create(url, timeout, security: security));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByNameAsync(string name, CancellationToken cancellationToken) =>
        FindEndpointsAsync(new NetworkServiceEndpoint { Name = name }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsByServiceAsync(string networkService, CancellationToken cancellationToken) =>
        FindEndpointsAsync(new NetworkServiceEndpoint { NetworkServiceNames = { networkService } }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<NetworkService>> FindNetworkServicesAsync(string name, string payload, CancellationToken cancellationToken)
    {
        var url = _options.ConnectTo;
        var channel = Channel(url);
        try
        {
            var client = new NetworkServiceRegistry.NetworkServiceRegistryClient(channel);
            using var call = client.Find(
                new NetworkServiceQuery { NetworkService = new NetworkService { Name = name, Payload = payload } },
                headers: _tokens?.HeadersFor(url),
                deadline: DateTime.UtcNow + _options.RegistryTimeout,
                cancellationToken: cancellationToken);
            var result = new List<NetworkService>();
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (!response.Deleted && response.NetworkService is not null)
                {
                    result.Add(response.NetworkService);
                }
            }

            return result;
        }
        catch (RpcException ex)
        {
            _channels.CallFailed(url, channel, ex.StatusCode);
            throw RpcErrors.From(ex, "the registry's network service Find", url);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _channels.Dispose();
        foreach (var socket in _sockets.Values)
        {
            socket.Dispose();
        }

        _received.Dispose();
    }

    private async Task<IReadOnlyList<NetworkServiceEndpoint>> FindEndpointsAsync(NetworkServiceEndpoint query, CancellationToken cancellationToken)
    {
        var url = _options.ConnectTo;
        var channel = Channel(url);
        try
        {
            var client = new NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryClient(channel);
            using var call = client.Find(
                new NetworkServiceEndpointQuery { NetworkServiceEndpoint = query },
                headers: _tokens?.HeadersFor(url),
                deadline: DateTime.UtcNow + _options.RegistryTimeout,
                cancellationToken: cancellationToken);
            var result = new List<NetworkServiceEndpoint>();
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (!response.Deleted && response.NetworkServiceEndpoint is not null)
                {
                    result.Add(response.NetworkServiceEndpoint);
                }
            }

            foreach (var endpoint in result)
            {
                await ResolvePassedSocketAsync(endpoint, cancellationToken).ConfigureAwait(false);
            }

            return result;
        }
        catch (RpcException ex)
        {
            _channels.CallFailed(url, channel, ex.StatusCode);
            throw RpcErrors.From(ex, "the registry's endpoint Find", url);
        }
    }

    // The descriptor came with the answer's bytes, so it is normally there already; without it the inode:// URL stays
    // and dialling it fails with a message naming it.
    private async Task ResolvePassedSocketAsync(NetworkServiceEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (!InodeId.TryParse(endpoint.Url, out var id))
        {
            return;
        }

        if (!_sockets.TryGetValue(id, out var socket))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(PassedSocketWait);
            try
            {
                socket = await _received.AcquireAsync(id, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (!_sockets.TryAdd(id, socket))
            {
                socket.Dispose();
                socket = _sockets[id];
            }
        }

        endpoint.Url = "unix://" + socket.ProcPath;
    }

    private global::Grpc.Net.Client.GrpcChannel Channel(string url)
    {
        try
        {
            return _channels.Get(url);
        }
        catch (ArgumentException ex)
        {
            throw RpcErrors.BadUrl(url, "the registry", ex);
        }
    }
}
