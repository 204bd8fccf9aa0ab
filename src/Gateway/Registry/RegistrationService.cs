using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Registry;
using SriovForwarder.Gateway.Hosting;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Transport.FdPassing;
using SriovForwarder.Gateway.Telemetry;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Gateway.Registry;

/// <summary>
/// Registers this forwarder with the NSM registry in the background (start-up does not wait for it), refreshes the
/// registration at 2/3 of its remaining lifetime, retries with backoff while the registry is unreachable, and
/// unregisters on graceful shutdown (upstream never does: its bug #21). The loop stops and the Unregister starts at the
/// host's first stopping step, so they run alongside the rest of the shutdown and never retry against a socket that
/// Kestrel has already removed. Expirations and pauses follow <see cref="TimeProvider"/>; gRPC deadlines stay on the
/// system clock, which is the one gRPC measures them against.
/// </summary>
/// <remarks>
/// Every Register carries the registry <c>path</c> metadata (§7.3), starting empty and then what the registry returned. In
/// SPIFFE mode (<paramref name="tokens"/> can sign) it also carries our per-RPC token, and the response must pass the
/// registry client policies (<see cref="RegistrationOptions.ClientPolicies"/>, §11.5); a first registration that fails
/// them is unregistered and retried like an unreachable registry.
/// <para>
/// Upstream's registry heal (§7.1): after each successful Register a watching <c>Find</c> for our own name stays open
/// until the next refresh; when the registry ends or breaks it (NSMgr restarted and forgot us), we register again right
/// away instead of waiting for the refresh. A registry that does not implement Find turns the heal off (decision 031).
/// </para>
/// </remarks>
public sealed class RegistrationService(
    IOptions<RegistrationOptions> options, TimeProvider time, ILogger<RegistrationService> logger, IClientConnectionSecurity? security = null,
    NsmTokenSource? tokens = null)
    : EarlyStoppingService
{
    private readonly RegistrationOptions _options = options.Value;
    private readonly RegistrationAuthorization? _authorization =
        tokens?.Generator is null ? null : new RegistrationAuthorization(options.Value.ClientPolicies, time);
    private string _path = RegistryPathMetadata.Empty;
    private readonly FdSendingQueue _sendQueue = new();
    private GrpcChannel? _channel;
    private NetworkServiceEndpoint? _lastRegistered;

    /// <summary>Raised after each successful Register (first one and refreshes) with what the registry returned.</summary>
    public event Action<NetworkServiceEndpoint>? Registered;

    /// <summary>Whether the last Register succeeded and has not been unregistered since.</summary>
    public bool IsRegistered => Volatile.Read(ref _lastRegistered) is not null;

    /// <inheritdoc />
    public override void Dispose()
    {
        // Normally disposed by the stop already (after the Unregister); disposing again is a no-op.
        _channel?.Dispose();
        _sendQueue.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            _channel = GrpcUrlChannelFactory.Create(_options.ConnectTo, _options.DialTimeout, sendQueue: PassedSocketPath() is null ? null : _sendQueue, security: security);
        }
        catch (ArgumentException ex)
        {
            RegistrationLog.BadConfiguration(logger, ex.Message);
            return;
        }

        var client = new NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryClient(_channel);
        await RegisterLoopAsync(client, stoppingToken).ConfigureAwait(false);
    }

    private async Task RegisterLoopAsync(NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryClient client, CancellationToken stoppingToken)
    {
        var registryWatch = new RegistryWatch(client, Headers, _options.FirstRetryDelay, time, logger, _options.ConnectTo);
        var retryDelay = _options.FirstRetryDelay;
        var failing = false;
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Ends the pause early when the registry drops the watch of our registration (heal).
            using var pauseEnd = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var watch = Task.CompletedTask;
            try
            {
                var request = RegistrationRequest.Build(_options, time.GetUtcNow());
                Task pause;
                try
                {
                    PassSocket(request);
                    using var call = client.RegisterAsync(
                        request, Headers(), deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: stoppingToken);
                    var returned = await call.ResponseAsync.ConfigureAwait(false);
                    var returnedPath = (await call.ResponseHeadersAsync.ConfigureAwait(false)).GetValue(RegistryPathMetadata.Key);
                    _path = returnedPath ?? _path;
                    await AuthorizeAsync(returned, returnedPath, request).ConfigureAwait(false);
                    var wait = RegistrationRequest.RefreshDelay(request, returned, time.GetUtcNow());
                    pause = PauseAsync(wait, pauseEnd.Token);
                    watch = registryWatch.Start(request.Name, pauseEnd, watchStop.Token);
                    GatewayMeters.RecordRegistryRegistration("ok");
                    var wasRegistered = Interlocked.Exchange(ref _lastRegistered, request) is not null;
                    if (wasRegistered && !failing)
                    {
                        RegistrationLog.Refreshed(logger, _options.Name, wait);
                    }
                    else
                    {
                        RegistrationLog.Registered(logger, _options.ConnectTo, _options.Name, _options.NetworkServiceName, _options.Url, wait);
                    }

                    failing = false;
                    attempt = 0;
                    retryDelay = _options.FirstRetryDelay;
                    Registered?.Invoke(returned);
                }
                catch (RpcException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (RpcException ex)
                {
                    attempt++;
                    GatewayMeters.RecordRegistryRegistration(ex.StatusCode.ToString());
                    pause = PauseAsync(retryDelay, stoppingToken);
                    if (!failing)
                    {
                        RegistrationLog.Unreachable(logger, _options.ConnectTo, _options.Name, ex.Status.Detail, _options.MaxRetryDelay);
                        failing = true;
                    }
                    else
                    {
                        RegistrationLog.AttemptFailed(logger, attempt, _options.Name, ex.Status.Detail);
                    }

                    retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                }

                try
                {
                    await pause.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (OperationCanceledException)
                {
                    // The watch broke: register again now (the watch logged why).
                }
            }
            finally
            {
                // Before pauseEnd goes (the watch may be about to cancel it); the next Register opens a new one.
                await watchStop.CancelAsync().ConfigureAwait(false);
                await watch.ConfigureAwait(false);
            }
        }
    }

    // Our per-RPC token (SPIFFE mode) and the registry path the registry last returned.
    private global::Grpc.Core.Metadata Headers()
    {
        var headers = tokens?.HeadersFor(_options.ConnectTo) ?? new global::Grpc.Core.Metadata();
        headers.Add(RegistryPathMetadata.Key, _path);
        return headers;
    }

    // Upstream's client authorize: a response that fails a policy is an error; a first registration is undone first.
    private async Task AuthorizeAsync(NetworkServiceEndpoint returned, string? returnedPath, NetworkServiceEndpoint sent)
    {
        if (_authorization?.Check(returned, returnedPath, tokens!.Peers.Find(_options.ConnectTo)) is not { } failed)
        {
            return;
        }

        RegistrationLog.PolicyFailed(logger, _options.Name, _options.ConnectTo, failed);
        if (Volatile.Read(ref _lastRegistered) is null && _channel is { } channel)
        {
            await UnregisterAsync(channel, sent).ConfigureAwait(false);
        }

        throw new RpcException(new Status(StatusCode.PermissionDenied, $"the registry's answer fails the registry client policy {failed} (NSM_REGISTRY_CLIENT_POLICIES)"));
    }

    // Started before the registration or failure is logged or announced, so that whoever hears of it (a test advancing
    // a fake clock) finds the pause already counting.
    private Task PauseAsync(TimeSpan wait, CancellationToken cancellationToken) => Task.Delay(wait, time, cancellationToken);

    /// <inheritdoc />
    protected override async Task StopWorkAsync(CancellationToken cancellationToken)
    {
        // The loop first, so no Register races the Unregister.
        await StopLoopAsync(cancellationToken).ConfigureAwait(false);
        var channel = _channel;
        if (channel is null)
        {
            return;
        }

        if (Interlocked.Exchange(ref _lastRegistered, null) is { } registered)
        {
            await UnregisterAsync(channel, registered).ConfigureAwait(false);
        }

        channel.Dispose();
    }

    // Upstream's sendfd: a unix URL is registered as the socket file's inode, its O_PATH descriptor sent with the call.
    private void PassSocket(NetworkServiceEndpoint request)
    {
        if (PassedSocketPath() is not { } path)
        {
            return;
        }

        _sendQueue.DropPending();
        try
        {
            request.Url = _sendQueue.EnqueueFile(path).ToString();
        }
        catch (IOException ex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
    }

    // Only a unix URL registered over a unix socket can travel as a descriptor.
    private string? PassedSocketPath() =>
        _options.PassSocketDescriptor
        && _options.ConnectTo.StartsWith("unix://", StringComparison.Ordinal)
        && _options.Url.StartsWith("unix://", StringComparison.Ordinal)
            ? UnixSocketChannelFactory.ParseSocketPath(_options.Url)
            : null;

    private async Task UnregisterAsync(GrpcChannel channel, NetworkServiceEndpoint registered)
    {
        try
        {
            var client = new NetworkServiceEndpointRegistry.NetworkServiceEndpointRegistryClient(channel);
            await client.UnregisterAsync(registered, Headers(), deadline: DateTime.UtcNow + _options.UnregisterTimeout).ConfigureAwait(false);
            RegistrationLog.Unregistered(logger, _options.Name, _options.ConnectTo);
            _authorization?.Forget(registered.Name);
        }
        catch (RpcException ex)
        {
            RegistrationLog.UnregisterFailed(logger, _options.Name, _options.ConnectTo, ex.Status.Detail);
        }
    }
}
