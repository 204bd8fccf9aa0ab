using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>One resource's plugin gRPC server on its own freshly named socket in the device-plugin folder.</summary>
public sealed class ResourcePluginServer : IAsyncDisposable
{
    private readonly UnixSocketGrpcServer _server;

    private ResourcePluginServer(UnixSocketGrpcServer server, string resourceName)
    {
        _server = server;
        ResourceName = resourceName;
    }

    /// <summary>The resource served.</summary>
    public string ResourceName { get; }

    /// <summary>The socket's full path.</summary>
    public string SocketPath => _server.SocketPath;

    /// <summary>The socket's file name, the <c>endpoint</c> kubelet is told.</summary>
    public string Endpoint => Path.GetFileName(_server.SocketPath);

    /// <summary>The kubelet socket identity this server was last registered with, or null when not registered.</summary>
    public KubeletSocketIdentity? RegisteredWith { get; set; }

    /// <summary>True while the socket file still exists (kubelet deletes it when it restarts).</summary>
    public bool SocketExists => UnixSocketFile.IsSocket(_server.SocketPath);

    /// <summary>Starts serving <paramref name="plugin"/> on <c>{folder}/sriov-{random}.sock</c> (a new name each time, as upstream's UUID).</summary>
    public static async Task<ResourcePluginServer> StartAsync(string folder, ResourcePlugin plugin, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var path = Path.Combine(folder, $"sriov-{Guid.NewGuid():N}.sock");
        var server = await UnixSocketGrpcServer.StartAsync(
            path,
            services =>
            {
                services.AddSingleton(plugin);
                services.AddSingleton(loggers);
            },
            endpoints => endpoints.MapGrpcService<DevicePluginService>(),
            UnixSocketFile.DefaultMode,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ResourcePluginServer(server, plugin.ResourceName);
    }

    /// <summary>Stops serving and removes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        var path = _server.SocketPath;
        await _server.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (UnixSocketFile.IsSocket(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // Already gone or the folder went away with kubelet: nothing to clean.
        }
    }
}
