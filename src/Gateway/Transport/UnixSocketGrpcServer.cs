using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Gateway.Transport;

/// <summary>
/// A small self-contained gRPC server on one unix socket, for sockets that must be torn down and recreated on their own
/// (a device plugin socket after a kubelet restart), apart from the gateway's main web application.
/// </summary>
public sealed class UnixSocketGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UnixSocketGrpcServer(WebApplication app, string socketPath)
    {
        _app = app;
        SocketPath = socketPath;
    }

    /// <summary>The full path of the bound socket.</summary>
    public string SocketPath { get; }

    /// <summary>The server's own services (those added by <c>configureServices</c> plus gRPC).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Binds <paramref name="socketPath"/> (replacing a stale socket file), serves the gRPC services that
    /// <paramref name="mapServices"/> maps, and sets the socket's permissions to <paramref name="mode"/> once bound; with
    /// <paramref name="receiveFileDescriptors"/> callers can pass descriptors with their calls (grpcfd);
    /// <paramref name="configureListener"/> can add to the listener, e.g. mutual TLS.
    /// </summary>
    public static async Task<UnixSocketGrpcServer> StartAsync(
        string socketPath,
        Action<IServiceCollection> configureServices,
        Action<IEndpointRouteBuilder> mapServices,
        UnixFileMode? mode = UnixSocketFile.DefaultMode,
        bool receiveFileDescriptors = false,
        Action<ListenOptions>? configureListener = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        ArgumentNullException.ThrowIfNull(mapServices);
        var fullPath = UnixSocketFile.Prepare(socketPath);
        var builder = WebApplication.CreateSlimBuilder();
        // The host's logging belongs to the caller: it adds its ILoggerFactory in configureServices if it wants logs.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocketHttp2(fullPath, mode: null, configure: configureListener, receiveFileDescriptors: receiveFileDescriptors));
        builder.Services.AddGrpc();
        if (receiveFileDescriptors)
        {
            builder.Services.AddFdPassingUnixTransport();
        }

        configureServices(builder.Services);
        var app = builder.Build();
        mapServices(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (mode is { } wanted)
            {
                UnixSocketFile.SetMode(fullPath, wanted);
            }
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new UnixSocketGrpcServer(app, fullPath);
    }

    /// <summary>Stops serving (open streams are cancelled) and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
