using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>
/// One silo on a SIMULATED node (2 PFs × 4 VFs, <see cref="DevicePluginClusterFixture.Intel"/> and
/// <see cref="DevicePluginClusterFixture.TenG"/> on both) whose container holds the device plugin's
/// <see cref="LocalTokenPoolSink"/>, as in the forwarder (decision 050), and one resource's plugin server on a unix socket
/// woken by it. No Orleans observer is subscribed unless a test does it: what the streams learn comes through the sink.
/// Every change the node grain hands over is recorded, in order.
/// </summary>
public sealed class LocalSinkPlugin : IAsyncDisposable
{
    public const string Node = "node-sink";

    private readonly NodeSilos _silos;
    private readonly TempSocketFolder _folder;
    private readonly ResourcePluginServer _server;

    private LocalSinkPlugin(NodeSilos silos, TempSocketFolder folder, ResourcePluginServer server, LocalTokenPoolSink sink, RecordingSink recording)
    {
        _silos = silos;
        _folder = folder;
        _server = server;
        Sink = sink;
        Recorded = recording;
    }

    public LocalTokenPoolSink Sink { get; }

    /// <summary>What the node grain handed to the sink, in the order it did.</summary>
    public RecordingSink Recorded { get; }

    public NodeSilos Silos => _silos;

    /// <summary>The node grain as the co-hosted plugin calls it (from inside the silo).</summary>
    public INodeGrain NodeGrain => _silos.SiloGrains.GetGrain<INodeGrain>(Node);

    public static async Task<LocalSinkPlugin> StartAsync(string resource)
    {
        var changes = new TokenChangeSignal();
        var sink = new LocalTokenPoolSink(changes, Options.Create(new KubeletDevicePluginOptions { NodeName = Node }));
        var recording = new RecordingSink(sink);
        var silos = await NodeSilos.StartAsync(new NodeSilosOptions
        {
            Nodes = [Node],
            SimulatedNode = "pfs=2,vfs=4,capabilities=intel+10G,domains=service.domain.1",
            ConfigureSilo = silo => silo.Services.AddSingleton<ILocalTokenPoolSink>(recording),
        });
        var folder = new TempSocketFolder();
        try
        {
            var grain = silos.SiloGrains.GetGrain<INodeGrain>(Node);
            var plugin = new ResourcePlugin(resource, grain, changes, new AllocatedTokenTracker(), TimeSpan.FromHours(1), TimeProvider.System);
            var server = await ResourcePluginServer.StartAsync(folder.Path, plugin, NullLoggerFactory.Instance, CancellationToken.None);
            return new LocalSinkPlugin(silos, folder, server, sink, recording);
        }
        catch
        {
            folder.Dispose();
            await silos.DisposeAsync();
            throw;
        }
    }

    public PluginClient Client() => new(_server.SocketPath);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _silos.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>The plugin's sink, recording what passes through it.</summary>
    public sealed class RecordingSink(ILocalTokenPoolSink inner) : ILocalTokenPoolSink
    {
        private readonly Lock _gate = new();
        private readonly List<long> _versions = [];
        private int _activations;

        /// <summary>The versions of the changes handed over, in order.</summary>
        public IReadOnlyList<long> Versions
        {
            get
            {
                lock (_gate)
                {
                    return [.. _versions];
                }
            }
        }

        public int Activations => Volatile.Read(ref _activations);

        public void Activated(string node)
        {
            Interlocked.Increment(ref _activations);
            inner.Activated(node);
        }

        public bool Publish(string node, TokenPoolChange change)
        {
            ArgumentNullException.ThrowIfNull(change);
            lock (_gate)
            {
                _versions.Add(change.Version);
            }

            return inner.Publish(node, change);
        }

        public bool Covers(ITokenPoolObserver observer) => inner.Covers(observer);
    }
}
