using System.Net;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>
/// A unix socket Kestrel listens on through <see cref="FdPassingListenerFactory"/>, receiving the file descriptors
/// peers pass alongside their bytes (NSM's grpcfd). A type of its own so Kestrel's socket transport never binds it.
/// </summary>
public sealed class FdPassingUnixEndPoint(string path) : EndPoint
{
    /// <summary>The socket file's path.</summary>
    public string Path { get; } = path;

    /// <summary>Unix: Kestrel's connection metrics read it for every accepted connection (the base class throws, which
    /// stopped the listener accepting once a meter listener such as OpenTelemetry's was on).</summary>
    public override System.Net.Sockets.AddressFamily AddressFamily => System.Net.Sockets.AddressFamily.Unix;

    /// <inheritdoc />
    public override string ToString() => $"unix:{Path} (with fd passing)";
}
