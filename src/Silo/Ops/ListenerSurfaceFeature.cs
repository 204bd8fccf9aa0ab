namespace SriovForwarder.Silo.Ops;

/// <summary>The listener a connection arrived on, set on the connection by <see cref="SurfaceListenOptions.Serve"/>.</summary>
/// <param name="Surface">The listener's endpoint group.</param>
public sealed record ListenerSurfaceFeature(ListenerSurface Surface);
