using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Log messages of the kubelet device plugin.</summary>
internal static partial class DevicePluginLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning,
        Message = "No kubelet socket at {Socket}: the device plugin waits for kubelet in the background (normal without kubelet, e.g. --simulate); the rest of the forwarder serves")]
    public static partial void NoKubelet(ILogger logger, string socket);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Registered {Resource} with kubelet on {Socket} as endpoint {Endpoint}")]
    public static partial void Registered(ILogger logger, string resource, string socket, string endpoint);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Kubelet refused or failed to register {Resource} ({Status}): {Error}; retrying")]
    public static partial void RegisterFailed(ILogger logger, string resource, StatusCode status, string error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Kubelet restarted or removed our socket of {Resource}: serving it again on a new socket")]
    public static partial void Recreating(ILogger logger, string resource);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Device plugin serving {Count} resources of node {Node}: {Resources}")]
    public static partial void Serving(ILogger logger, int count, string node, string resources);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "The device plugin cannot reach node grain {Node}: {Error}; retrying")]
    public static partial void NodeUnavailable(ILogger logger, string node, string error);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "ListAndWatch of {Resource} started")]
    public static partial void ListAndWatchStarted(ILogger logger, string resource);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Debug, Message = "ListAndWatch of {Resource}: sent {Count} devices, {Unhealthy} unhealthy (pool version {Version})")]
    public static partial void DevicesSent(ILogger logger, string resource, int count, int unhealthy, long version);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "ListAndWatch of {Resource} cannot read the devices: {Error}; retrying")]
    public static partial void DevicesUnavailable(ILogger logger, string resource, string error);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Allocated {Resource} tokens {TokenIds}")]
    public static partial void Allocated(ILogger logger, string resource, string tokenIds);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Allocate of {Resource} tokens {TokenIds} refused ({Status}): {Error}")]
    public static partial void AllocateFailed(ILogger logger, string resource, string tokenIds, StatusCode status, string error);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Device plugin step failed: {Error}; retrying")]
    public static partial void StepFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information, Message = "Kubelet socket {Socket} is there: registering the device plugin")]
    public static partial void KubeletAppeared(ILogger logger, string socket);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Debug, Message = "ListAndWatch of {Resource} ended by us: its plugin server is stopping")]
    public static partial void ListAndWatchEnded(ILogger logger, string resource);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Information, Message = "Device plugin stopped: {Count} plugin servers closed, their sockets removed")]
    public static partial void Stopped(ILogger logger, int count);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Debug,
        Message = "GetPreferredAllocation of {Resource}: {Size} wanted, must include [{MustInclude}], preferred [{TokenIds}] aiming at NUMA node(s) [{NumaNodes}]")]
    public static partial void PreferredAllocation(ILogger logger, string resource, int size, string mustInclude, string tokenIds, string numaNodes);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Warning, Message = "GetPreferredAllocation of {Resource} refused ({Status}): {Error}")]
    public static partial void PreferredAllocationFailed(ILogger logger, string resource, StatusCode status, string error);
}
