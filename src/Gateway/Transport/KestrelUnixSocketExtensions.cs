using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SriovForwarder.Gateway.Transport;

/// <summary>Adds an HTTP/2-only (h2c) unix socket listener to Kestrel for gRPC, the way NSM and kubelet dial.</summary>
public static class KestrelUnixSocketExtensions
{
    /// <summary>
    /// Listens on <paramref name="socketPath"/> with HTTP/2 only, after creating its folder and deleting a stale socket file;
    /// once the application has started, sets the socket's permissions to <paramref name="mode"/> (null leaves them as bound).
    /// </summary>
    public static KestrelServerOptions ListenUnixSocketHttp2(
        this KestrelServerOptions options,
        string socketPath,
        UnixFileMode? mode = UnixSocketFile.DefaultMode,
        Action<ListenOptions>? configure = null)
    {
        var fullPath = UnixSocketFile.Prepare(socketPath);
        options.ListenUnixSocket(fullPath, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            configure?.Invoke(listen);
        });
        if (mode is { } wanted)
        {
            // Kestrel creates the socket file when it binds, during server start: chmod can only follow that.
            var lifetime = options.ApplicationServices.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(() => UnixSocketFile.SetMode(fullPath, wanted));
        }

        return options;
    }
}
