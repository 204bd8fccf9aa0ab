using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.Kernel.Transport;

/// <summary>Adds an HTTP/2-only (h2c) unix socket listener to Kestrel for gRPC, the way NSM and kubelet dial.</summary>
public static class KestrelUnixSocketExtensions
{
    /// <summary>
    /// Listens on <paramref name="socketPath"/> with HTTP/2 only, after creating its folder and deleting a stale socket file;
    /// once the application has started, sets the socket's permissions to <paramref name="mode"/> (null leaves them as bound).
    /// With <paramref name="receiveFileDescriptors"/> the socket goes through <see cref="FdPassingListenerFactory"/>
    /// (register it with <see cref="AddFdPassingUnixTransport"/>) so peers can pass descriptors as NSM's grpcfd does.
    /// </summary>
    public static KestrelServerOptions ListenUnixSocketHttp2(
        this KestrelServerOptions options,
        string socketPath,
        UnixFileMode? mode = UnixSocketFile.DefaultMode,
        Action<ListenOptions>? configure = null,
        bool receiveFileDescriptors = false)
    {
        var fullPath = UnixSocketFile.Prepare(socketPath);
        void Configure(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http2;
            configure?.Invoke(listen);
        }

        if (receiveFileDescriptors)
        {
            options.Listen(new FdPassingUnixEndPoint(fullPath), Configure);
        }
        else
        {
            options.ListenUnixSocket(fullPath, Configure);
        }

        if (mode is { } wanted)
        {
            // Kestrel creates the socket file when it binds, during server start: chmod can only follow that.
            var lifetime = options.ApplicationServices.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(() => UnixSocketFile.SetMode(fullPath, wanted));
        }

        return options;
    }

    /// <summary>Adds the Kestrel transport for unix sockets that receive passed file descriptors; other endpoints keep the socket transport.</summary>
    public static IServiceCollection AddFdPassingUnixTransport(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, FdPassingListenerFactory>());
        return services;
    }
}
