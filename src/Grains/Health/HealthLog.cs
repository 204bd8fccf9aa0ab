using Microsoft.Extensions.Logging;

namespace SriovForwarder.Grains.Health;

/// <summary>The device-health log lines of the node grain (category <see cref="NodeGrain"/>).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "Node {Node}: VF {VfAddress} is unhealthy: {Reason}; its tokens are Unhealthy and it is not offered")]
    public static partial void VfUnhealthy(ILogger logger, string node, string vfAddress, string reason);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "Node {Node}: VF {VfAddress} is healthy again")]
    public static partial void VfHealthy(ILogger logger, string node, string vfAddress);
}
