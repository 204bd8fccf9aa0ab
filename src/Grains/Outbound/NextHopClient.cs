using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Grains.Outbound;

/// <summary>
/// Calls the next hop's <c>networkservice.NetworkService</c> over unix sockets or TCP, one channel per URL; with
/// <paramref name="security"/> (a SPIFFE identity is configured) every connection is mutual TLS, else plaintext. In SPIFFE
/// mode every call carries our per-RPC token (<c>nsm-client-token</c>, <c>nsm-client-token-expires</c>), as upstream's calls do.
/// The monitor relay watches the next hop's <c>MonitorConnections</c> on the same channel (<see cref="INextHopMonitor"/>).
/// </summary>
public sealed class NextHopClient(IOptions<NextHopOptions> options, IClientConnectionSecurity? security = null, NsmTokenSource? tokens = null)
    : INextHopClient, INextHopMonitor, IDisposable
{
    private readonly NextHopOptions _options = options.Value;
    private readonly ChannelCache _channels = new(options.Value.DialTimeout, security: security);

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(string url, NetworkServiceRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        var (channel, client) = Client(url);
        try
        {
            return await client.RequestAsync(request, headers: tokens?.HeadersFor(url), deadline: deadline ?? DateTime.UtcNow + _options.CallTimeout, cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            _channels.CallFailed(url, channel, ex.StatusCode);
            throw RpcErrors.From(ex, "the next hop's Request", url);
        }
    }

    /// <inheritdoc />
    public async Task CloseAsync(string url, Connection connection, CancellationToken cancellationToken)
    {
        var (channel, client) = Client(url);
        try
        {
            await client.CloseAsync(connection, headers: tokens?.HeadersFor(url), deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            _channels.CallFailed(url, channel, ex.StatusCode);
            throw RpcErrors.From(ex, "the next hop's Close", url);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ConnectionEvent> MonitorAsync(
        string url, MonitorScopeSelector selector, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        MonitorConnection.MonitorConnectionClient client;
        try
        {
            client = new MonitorConnection.MonitorConnectionClient(_channels.Get(url));
        }
        catch (ArgumentException ex)
        {
            throw RpcErrors.BadUrl(url, "the next hop", ex);
        }

        // Stopped by disposing the call, not by handing gRPC the token: a call cancelled through a token of its caller
        // fails with an exception whose stack trace gRPC formats as text (ExceptionDispatchInfo.SetCurrentStackTrace); when
        // each connection had its own stream (before decision 045) that formatting was about 7 % of the forwarder's CPU under
        // 32 concurrent Request+Close (issue 14). The read then fails with Cancelled like a cancelled call.
        using var call = client.MonitorConnections(selector, headers: tokens?.HeadersFor(url), cancellationToken: CancellationToken.None);
        using var stop = cancellationToken.UnsafeRegister(static c => ((IDisposable)c!).Dispose(), call);
        await foreach (var connectionEvent in call.ResponseStream.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            yield return connectionEvent;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _channels.Dispose();

    private (GrpcChannel Channel, NetworkService.NetworkServiceClient Client) Client(string url)
    {
        try
        {
            var channel = _channels.Get(url);
            return (channel, new NetworkService.NetworkServiceClient(channel));
        }
        catch (ArgumentException ex)
        {
            throw RpcErrors.BadUrl(url, "the next hop", ex);
        }
    }
}
