namespace SriovForwarder.Api.Serialization;

/// <summary>Orleans wire form of an NSM <c>connection.Connection</c>: the message's protobuf encoding, so grains exchange exactly what NSM sends.</summary>
[GenerateSerializer, Alias("SriovForwarder.Api.Serialization.ConnectionSurrogate")]
public readonly record struct ConnectionSurrogate([property: Id(0)] byte[] Bytes);
