namespace SriovForwarder.Api.Serialization;

/// <summary>Orleans wire form of an NSM <c>connection.MonitorScopeSelector</c>: the message's protobuf encoding, so grains exchange exactly what NSM sends.</summary>
[GenerateSerializer, Alias("SriovForwarder.Api.Serialization.MonitorScopeSelectorSurrogate")]
public readonly record struct MonitorScopeSelectorSurrogate([property: Id(0)] byte[] Bytes);
