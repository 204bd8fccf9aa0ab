using Orleans.Serialization.Cloning;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Api.Serialization;

/// <summary>Deep-copies an NSM <c>networkservice.NetworkServiceRequest</c> for Orleans, because protobuf messages are mutable and a grain must not share one with its caller.</summary>
[RegisterCopier]
public sealed class NetworkServiceRequestCopier : IDeepCopier<NetworkServiceRequest>
{
    /// <inheritdoc />
    public NetworkServiceRequest? DeepCopy(NetworkServiceRequest? input, CopyContext context) => input?.Clone();
}
