using Google.Protobuf;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Api.Serialization;

/// <summary>Converts an NSM <c>connection.Connection</c> to and from its protobuf-bytes surrogate for Orleans serialization.</summary>
[RegisterConverter]
public sealed class ConnectionSurrogateConverter : IConverter<Connection, ConnectionSurrogate>
{
    /// <inheritdoc />
    public Connection ConvertFromSurrogate(in ConnectionSurrogate surrogate) =>
        Connection.Parser.ParseFrom(surrogate.Bytes ?? []);

    /// <inheritdoc />
    public ConnectionSurrogate ConvertToSurrogate(in Connection value) => new(value.ToByteArray());
}
