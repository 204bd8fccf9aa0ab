using Google.Protobuf;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Api.Serialization;

/// <summary>Converts an NSM <c>networkservice.NetworkServiceRequest</c> to and from its protobuf-bytes surrogate for Orleans serialization.</summary>
[RegisterConverter]
public sealed class NetworkServiceRequestSurrogateConverter : IConverter<NetworkServiceRequest, NetworkServiceRequestSurrogate>
{
    /// <inheritdoc />
    public NetworkServiceRequest ConvertFromSurrogate(in NetworkServiceRequestSurrogate surrogate) =>
        NetworkServiceRequest.Parser.ParseFrom(surrogate.Bytes ?? []);

    /// <inheritdoc />
    public NetworkServiceRequestSurrogate ConvertToSurrogate(in NetworkServiceRequest value) => new(value.ToByteArray());
}
