using Google.Protobuf;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Api.Serialization;

/// <summary>Converts an NSM <c>connection.MonitorScopeSelector</c> to and from its protobuf-bytes surrogate for Orleans serialization.</summary>
[RegisterConverter]
public sealed class MonitorScopeSelectorSurrogateConverter : IConverter<MonitorScopeSelector, MonitorScopeSelectorSurrogate>
{
    /// <inheritdoc />
    public MonitorScopeSelector ConvertFromSurrogate(in MonitorScopeSelectorSurrogate surrogate) =>
        MonitorScopeSelector.Parser.ParseFrom(surrogate.Bytes ?? []);

    /// <inheritdoc />
    public MonitorScopeSelectorSurrogate ConvertToSurrogate(in MonitorScopeSelector value) => new(value.ToByteArray());
}
