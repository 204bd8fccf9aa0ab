using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SriovForwarder.Silo.Ops;

/// <summary>Marks each connection of a Kestrel listener with the listener's <see cref="ListenerSurface"/>.</summary>
public static class SurfaceListenOptions
{
    /// <summary>
    /// Adds connection middleware that sets <see cref="ListenerSurfaceFeature"/>; requests see it through their
    /// connection's features. Works for TCP and unix sockets alike (host filtering cannot tell unix sockets apart).
    /// </summary>
    public static ListenOptions Serve(this ListenOptions listen, ListenerSurface surface)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var feature = new ListenerSurfaceFeature(surface);
        listen.Use(next => connection =>
        {
            connection.Features.Set(feature);
            return next(connection);
        });
        return listen;
    }
}
