namespace SriovForwarder.Api.Serialization;

/// <summary>Orleans wire form of an NSM <c>networkservice.NetworkServiceRequest</c>: the message's protobuf encoding, so grains exchange exactly what NSM sends.</summary>
[GenerateSerializer, Alias("SriovForwarder.Api.Serialization.NetworkServiceRequestSurrogate")]
public readonly record struct NetworkServiceRequestSurrogate([property: Id(0)] byte[] Bytes);
