using Orleans.Serialization.Cloning;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Api.Serialization;

/// <summary>Deep-copies an NSM <c>connection.Connection</c> for Orleans, because protobuf messages are mutable and a grain must not share one with its caller.</summary>
[RegisterCopier]
public sealed class ConnectionCopier : IDeepCopier<Connection>
{
    /// <inheritdoc />
    public Connection? DeepCopy(Connection? input, CopyContext context) => input?.Clone();
}
