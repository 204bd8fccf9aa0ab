using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// The plugin servers of this node, one per resource, each on its own socket in the device-plugin folder: started on
/// demand, replaced on a fresh socket when kubelet deleted the old one, and stopped all at once, in parallel, on shutdown.
/// </summary>
public sealed class ResourcePluginServers(
    IGrainFactory grains,
    IOptions<KubeletDevicePluginOptions> options,
    TokenChangeSignal changes,
    AllocatedTokenTracker tracker,
    TimeProvider time,
    ILoggerFactory loggers)
{
    private readonly KubeletDevicePluginOptions _options = options.Value;
    private readonly ILogger _logger = loggers.CreateLogger<ResourcePluginServers>();
    private readonly Dictionary<string, ResourcePluginServer> _servers = new(StringComparer.Ordinal);

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

    /// <summary>The running server of <paramref name="name"/>; a new one when there was none or its socket is gone.</summary>
    public async Task<ResourcePluginServer> EnsureAsync(string name, CancellationToken cancellationToken)
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

        var plugin = new ResourcePlugin(name, grains.GetGrain<INodeGrain>(_options.NodeName), changes, tracker, _options.ResourcePollTimeout, time);
        var fresh = await ResourcePluginServer.StartAsync(_options.DevicePluginPath, plugin, loggers, cancellationToken).ConfigureAwait(false);
        lock (_servers)
        {
            _servers[name] = fresh;
        }

        return fresh;
    }

    /// <summary>Stops every server at once, each ending its ListAndWatch streams; returns how many were stopped.</summary>
    public async Task<int> StopAllAsync()
    {
        List<ResourcePluginServer> servers;
        lock (_servers)
        {
            servers = [.. _servers.Values];
            _servers.Clear();
        }

        await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        return servers.Count;
    }
}
