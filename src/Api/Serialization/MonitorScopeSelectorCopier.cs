using Orleans.Serialization.Cloning;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Api.Serialization;

/// <summary>Deep-copies an NSM <c>connection.MonitorScopeSelector</c> for Orleans, because protobuf messages are mutable and a grain must not share one with its caller.</summary>
[RegisterCopier]
public sealed class MonitorScopeSelectorCopier : IDeepCopier<MonitorScopeSelector>
{
    /// <inheritdoc />
    public MonitorScopeSelector? DeepCopy(MonitorScopeSelector? input, CopyContext context) => input?.Clone();
}
