namespace SriovForwarder.Api.Serialization;

/// <summary>Orleans wire form of an NSM <c>connection.ConnectionEvent</c>: the message's protobuf encoding, so grains exchange exactly what NSM sends.</summary>
[GenerateSerializer, Alias("SriovForwarder.Api.Serialization.ConnectionEventSurrogate")]
public readonly record struct ConnectionEventSurrogate([property: Id(0)] byte[] Bytes);
