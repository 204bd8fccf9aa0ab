using Google.Protobuf;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Api.Serialization;

/// <summary>Converts an NSM <c>connection.ConnectionEvent</c> to and from its protobuf-bytes surrogate for Orleans serialization.</summary>
[RegisterConverter]
public sealed class ConnectionEventSurrogateConverter : IConverter<ConnectionEvent, ConnectionEventSurrogate>
{
    /// <inheritdoc />
    public ConnectionEvent ConvertFromSurrogate(in ConnectionEventSurrogate surrogate) =>
        ConnectionEvent.Parser.ParseFrom(surrogate.Bytes ?? []);

    /// <inheritdoc />
    public ConnectionEventSurrogate ConvertToSurrogate(in ConnectionEvent value) => new(value.ToByteArray());
}
