using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.PodResources;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// The kubelet device plugin of this node: one plugin server per resource, registered with kubelet and
/// re-registered on fresh sockets whenever kubelet restarts; the token-pool subscription that drives
/// ListAndWatch; the pod-resources restore and reconciliation. Never stops the process: without a
/// kubelet it waits in the background. On shutdown it starts stopping at the host's first stopping step, before
/// Kestrel and the other services: its loops end and every plugin server stops at once, in parallel, each ending its
/// ListAndWatch streams, so kubelet's streams never hold the exit.
/// </summary>
public sealed class DevicePluginManager(
    IGrainFactory grains,
    IOptions<KubeletDevicePluginOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IHostedLifecycleService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly KubeletDevicePluginOptions _options = options.Value;
    private readonly ILogger _logger = loggers.CreateLogger<DevicePluginManager>();
    private readonly Dictionary<string, ResourcePluginServer> _servers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TokenPoolObserver? _observer;
    private ITokenPoolObserver? _observerReference;
    private bool _noKubeletLogged;
    private readonly Lock _stopLock = new();
    private Task? _stopping;

    /// <summary>The signal that wakes the ListAndWatch streams.</summary>
    public TokenChangeSignal Changes { get; } = new();

    /// <summary>The tokens pods hold as far as this process knows.</summary>
    public AllocatedTokenTracker Tracker { get; } = new();

    /// <summary>The pod-resources restore and reconciliation (set once the resource names are known).</summary>
    public PodResourcesReconciler? Reconciler { get; private set; }

    /// <summary>Completes once the resource names are known and the token-pool subscription is in place.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The current socket path of each resource's plugin server (empty until kubelet is there).</summary>
    public IReadOnlyDictionary<string, string> SocketPaths
    {
        get
        {
            lock (_servers)
            {
                return _servers.ToDictionary(p => p.Key, p => p.Value.SocketPath, StringComparer.Ordinal);
            }
        }
    }

    private string KubeletSocket => Path.Combine(_options.DevicePluginPath, KubeletDevicePlugin.KubeletSocketName);

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Only start here: the host runs every service's StoppingAsync one after another; StopAsync awaits the work.
        _ = BeginStop(cancellationToken);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task StopAsync(CancellationToken cancellationToken) => BeginStop(cancellationToken);

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var names = await GetResourceNamesAsync(stoppingToken).ConfigureAwait(false);
        await SubscribeAsync(stoppingToken).ConfigureAwait(false);
        Reconciler = new PodResourcesReconciler(
            new PodResourcesClient(Path.Combine(_options.PodResourcesPath, KubeletDevicePlugin.KubeletSocketName), _options.KubeletCallTimeout),
            Node, names, Tracker, _logger);
        DevicePluginLog.Serving(_logger, names.Count, _options.NodeName, string.Join(", ", names));
        _ready.TrySetResult();
        await Task.WhenAll(
            RegistrationLoopAsync(names, stoppingToken),
            PodResourcesLoopAsync(stoppingToken),
            RenewLoopAsync(stoppingToken)).ConfigureAwait(false);
    }

    private INodeGrain Node => grains.GetGrain<INodeGrain>(_options.NodeName);

    private Task BeginStop(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            // Off this thread: cancelling the loops may run their continuations inline.
            return _stopping ??= Task.Run(() => StopAllAsync(cancellationToken), CancellationToken.None);
        }
    }

    private async Task StopAllAsync(CancellationToken cancellationToken)
    {
        // Ends the registration, pod-resources and renewal loops first, so no server is started or replaced meanwhile.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        List<ResourcePluginServer> servers;
        lock (_servers)
        {
            servers = [.. _servers.Values];
            _servers.Clear();
        }

        await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        DevicePluginLog.Stopped(_logger, servers.Count);
        if (_observerReference is not null)
        {
            try
            {
                await Node.UnsubscribeAsync(_observerReference).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The silo may already be stopping; the subscription then expires on its own.
            }
        }
    }

    private async Task<IReadOnlyList<string>> GetResourceNamesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await Node.GetResourceNamesAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                DevicePluginLog.NodeUnavailable(_logger, _options.NodeName, ex.Message);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        _observer ??= new TokenPoolObserver(Changes);
        _observerReference ??= grains.CreateObjectReference<ITokenPoolObserver>(_observer);
        while (true)
        {
            try
            {
                await Node.SubscribeAsync(_observerReference).ConfigureAwait(false);
                // Changes made while we were not subscribed were not told: let the streams re-read.
                Changes.Notify();
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                DevicePluginLog.NodeUnavailable(_logger, _options.NodeName, ex.Message);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TokenPoolSubscription.RenewEvery, time, cancellationToken).ConfigureAwait(false);
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PodResourcesLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Reconciler!.RunOnceAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(_options.ResourcePollTimeout, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RegistrationLoopAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        using var watcher = new KubeletSocketWatcher(_options.DevicePluginPath);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                watcher.TryStart();
                await EnsureRegisteredAsync(names, watcher.KubeletCreations, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                DevicePluginLog.StepFailed(_logger, ex.Message);
            }

            // The watch wakes us at once on kubelet.sock re-created or a socket deleted; the interval is the cheap fallback check.
            await watcher.WaitAsync(_options.SocketCheckInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureRegisteredAsync(IReadOnlyList<string> names, long kubeletCreations, CancellationToken cancellationToken)
    {
        var kubeletSocket = KubeletSocket;
        if (!UnixSocketFile.IsSocket(kubeletSocket))
        {
            if (!_noKubeletLogged)
            {
                DevicePluginLog.NoKubelet(_logger, kubeletSocket);
                _noKubeletLogged = true;
            }

            return;
        }

        if (_noKubeletLogged)
        {
            DevicePluginLog.KubeletAppeared(_logger, kubeletSocket);
            _noKubeletLogged = false;
        }

        var kubelet = KubeletSocketIdentity.Read(kubeletSocket, kubeletCreations);
        var registration = new KubeletRegistrationClient(kubeletSocket, _options.KubeletCallTimeout);
        foreach (var name in names)
        {
            var server = await EnsureServerAsync(name, cancellationToken).ConfigureAwait(false);
            if (server.RegisteredWith == kubelet)
            {
                continue;
            }

            try
            {
                await registration.RegisterAsync(server.Endpoint, name, cancellationToken).ConfigureAwait(false);
                server.RegisteredWith = kubelet;
                DevicePluginLog.Registered(_logger, name, kubeletSocket, server.Endpoint);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                DevicePluginLog.RegisterFailed(_logger, name, ex.StatusCode, ex.Status.Detail);
            }
        }
    }

    private async Task<ResourcePluginServer> EnsureServerAsync(string name, CancellationToken cancellationToken)
    {
        ResourcePluginServer? server;
        lock (_servers)
        {
            _servers.TryGetValue(name, out server);
        }

        if (server is not null && server.SocketExists)
        {
            return server;
        }

        if (server is not null)
        {
            // Kubelet deletes every socket in its folder when it starts: serve on a fresh socket and register that.
            DevicePluginLog.Recreating(_logger, name);
            await server.DisposeAsync().ConfigureAwait(false);
        }

        var plugin = new ResourcePlugin(name, Node, Changes, Tracker, _options.ResourcePollTimeout, time);
        var fresh = await ResourcePluginServer.StartAsync(_options.DevicePluginPath, plugin, loggers, cancellationToken).ConfigureAwait(false);
        lock (_servers)
        {
            _servers[name] = fresh;
        }

        return fresh;
    }
}
