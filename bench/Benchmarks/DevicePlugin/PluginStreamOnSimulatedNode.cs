using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.TestSupport.Cluster;
using PluginApi = SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1.DevicePlugin;

namespace SriovForwarder.Benchmarks.DevicePlugin;

/// <summary>
/// The set-up the device-plugin latency benchmarks share: one silo on a SIMULATED node, one resource's plugin server on
/// a unix socket with its token-pool observer (what <c>DevicePluginManager</c> does for one resource, without kubelet
/// registration) and, by default, the process-local sink the forwarder's node grain hands its changes to (decision 050),
/// and a kubelet-like client reading ListAndWatch on that socket.
/// </summary>
public sealed class PluginStreamOnSimulatedNode : IAsyncDisposable
{
    /// <summary>How long <see cref="NextAsync"/> waits for a wanted list before it fails the benchmark instead of hanging it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly NodeSilos _silos;
    private readonly ResourcePluginServer _server;
    private readonly GrpcChannel _channel;
    private readonly AsyncServerStreamingCall<ListAndWatchResponse> _stream;

    // Orleans holds a local observer only weakly (CreateObjectReference): without this reference the first collection
    // (BenchmarkDotNet forces one before every iteration) silently ends the node grain's notifications, and the stream
    // never shows another change. That was the carrier-fault benchmark's hang.
    private readonly TimedTokenPoolObserver _observer;
    private readonly TimedLocalTokenPoolSink? _sink;
    private readonly CommitTimedGrainStorage _commits;
    private ListAndWatchResponse? _last;

    private PluginStreamOnSimulatedNode(
        NodeSilos silos,
        INodeGrain grain,
        TimedTokenPoolObserver observer,
        TimedLocalTokenPoolSink? sink,
        CommitTimedGrainStorage commits,
        ResourcePluginServer server,
        GrpcChannel channel,
        AsyncServerStreamingCall<ListAndWatchResponse> stream)
    {
        _commits = commits;
        _silos = silos;
        Grain = grain;
        _observer = observer;
        _sink = sink;
        _server = server;
        _channel = channel;
        _stream = stream;
    }

    /// <summary>The running silos and their simulated node.</summary>
    public NodeSilos Silos => _silos;

    /// <summary>The node grain, called from inside the silo as the co-hosted gateway does.</summary>
    public INodeGrain Grain { get; }

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the node grain's latest notification at the plugin.</summary>
    public long LastNotificationArrival => Math.Max(_observer.LastArrival, _sink?.LastArrival ?? 0);

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the node grain last committed a reservation change.</summary>
    public long LastCommit => _commits.LastCommit;

    /// <summary>
    /// Starts the silo for <paramref name="node"/> on a simulated node of <paramref name="spec"/> (real veths when
    /// <paramref name="realNetdevs"/>), the plugin server of <paramref name="resource"/>, and reads the first list.
    /// <paramref name="delivery"/> is how the node grain's changes reach the streams: the forwarder's way (the local sink,
    /// the observer subscription beside it and skipped), or the Orleans observer alone, with or without the devices.
    /// </summary>
    public static async Task<PluginStreamOnSimulatedNode> StartAsync(
        string node, string spec, string resource, bool realNetdevs = false, TokenDelivery delivery = TokenDelivery.LocalSink)
    {
        var changes = new TokenChangeSignal();
        var local = new LocalTokenPoolSink(changes, Options.Create(new KubeletDevicePluginOptions { NodeName = node }));
        var sink = delivery == TokenDelivery.LocalSink ? new TimedLocalTokenPoolSink(local) : null;
        var silos = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [node],
            SimulatedNode = spec,
            RealNetdevs = realNetdevs,
            ConfigureSilo = silo =>
            {
                // Registered after the node's own storage, so the node grain's journal writes go through the stopwatch.
                silo.Services.AddKeyedSingleton<IGrainStorage>(FileGrainStorageExtensions.NodeJournalStorage,
                    (sp, key) => new CommitTimedGrainStorage(sp.GetRequiredKeyedService<JournaledGrainStorage>(key)));
                if (sink is not null)
                {
                    silo.Services.AddSingleton<ILocalTokenPoolSink>(sink);
                }
            },
        });
        ResourcePluginServer? server = null;
        GrpcChannel? channel = null;
        try
        {
            var factory = silos.SiloGrains;
            var commits = (CommitTimedGrainStorage)silos.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(FileGrainStorageExtensions.NodeJournalStorage);
            var grain = factory.GetGrain<INodeGrain>(node);
            var observer = new TimedTokenPoolObserver(changes, delivery != TokenDelivery.ObserverReadBack);
            var reference = factory.CreateObjectReference<ITokenPoolObserver>(observer);
            // As NodeTokenSubscription does: the node grain skips the subscription the sink covers.
            local.CoverSubscription(reference);
            await grain.SubscribeAsync(reference);
            var plugin = new ResourcePlugin(resource, grain, changes, new AllocatedTokenTracker(), TimeSpan.FromMinutes(5), TimeProvider.System);
            server = await ResourcePluginServer.StartAsync(Path.Combine(silos.StateRoot, "dp"), plugin, NullLoggerFactory.Instance, CancellationToken.None);
            channel = UnixSocketChannelFactory.Create(server.SocketPath, TimeSpan.FromSeconds(5));
            var stream = new PluginApi.DevicePluginClient(channel).ListAndWatch(new Empty());
            var started = new PluginStreamOnSimulatedNode(silos, grain, observer, sink, commits, server, channel, stream);
            await started.NextAsync(_ => true);
            return started;
        }
        catch
        {
            channel?.Dispose();
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            await silos.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads lists until one satisfies <paramref name="wanted"/>. ListAndWatch sends a list only when it changed, so a
    /// change undone before it was sent is never seen: after <see cref="Patience"/> this fails naming the last list.
    /// </summary>
    public async Task<ListAndWatchResponse> NextAsync(Func<ListAndWatchResponse, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (await _stream.ResponseStream.MoveNext(timeout.Token))
            {
                _last = _stream.ResponseStream.Current;
                if (wanted(_last))
                {
                    return _last;
                }
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no wanted ListAndWatch list within {Patience.TotalSeconds} s; the last one: {Describe(_last)}", e);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no wanted ListAndWatch list within {Patience.TotalSeconds} s; the last one: {Describe(_last)}", e);
        }

        throw new InvalidOperationException("ListAndWatch ended");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _channel.Dispose();
        await _server.DisposeAsync();
        await _silos.DisposeAsync();
        GC.KeepAlive(_observer);
    }

    private static string Describe(ListAndWatchResponse? list) =>
        list is null ? "none" : string.Join(", ", list.Devices.Select(d => $"{d.ID}={d.Health}"));
}
