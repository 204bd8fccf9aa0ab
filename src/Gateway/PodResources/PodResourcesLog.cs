using Microsoft.Extensions.Logging;

namespace SriovForwarder.Gateway.PodResources;

/// <summary>Log messages of the pod-resources reconciliation.</summary>
internal static partial class PodResourcesLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning,
        Message = "Cannot read kubelet pod resources from {Socket}: {Error}; allocations are restored and freed once it answers (retrying every poll period)")]
    public static partial void Unavailable(ILogger logger, string socket, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Kubelet pod resources on {Socket} answer again ({ApiVersion})")]
    public static partial void Available(ILogger logger, string socket, string apiVersion);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Restored {Count} tokens that pods hold, from pod resources {ApiVersion}")]
    public static partial void Restored(ILogger logger, int count, string apiVersion);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "Freed {Count} tokens whose pods are gone: {TokenIds}")]
    public static partial void Freed(ILogger logger, int count, string tokenIds);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Could not free {Count} tokens whose pods are gone: {Error}; trying again next poll")]
    public static partial void FreeFailed(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Pod-resources reconciliation cannot reach the node grain: {Error}; trying again next poll")]
    public static partial void NodeFailed(ILogger logger, string error);
}
