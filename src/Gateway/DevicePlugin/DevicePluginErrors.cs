using Grpc.Core;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>Maps a failed node-grain call of Allocate to the status kubelet sees.</summary>
public static class DevicePluginErrors
{
    /// <summary>The status for a failed token allocation of <paramref name="resourceName"/>.</summary>
    public static RpcException ToRpcException(Exception error, string resourceName) => error switch
    {
        RpcException rpc => rpc,
        VfAllocationException { Reason: VfAllocationFailure.UnknownToken or VfAllocationFailure.InvalidRequest } v =>
            new RpcException(new Status(StatusCode.InvalidArgument, $"failed to mark tokens of {resourceName} as allocated, none was: {v.Message}")),
        VfAllocationException v =>
            new RpcException(new Status(StatusCode.FailedPrecondition, $"failed to mark tokens of {resourceName} as allocated, none was: {v.Message}")),
        NodeUnavailableException n => new RpcException(new Status(StatusCode.Unavailable, n.Message)),
        OperationCanceledException => new RpcException(new Status(StatusCode.Cancelled, "the allocate call was cancelled")),
        _ => new RpcException(new Status(StatusCode.Internal, $"failed to mark tokens of {resourceName} as allocated: {error.Message}")),
    };

    /// <summary>The status for a failed GetPreferredAllocation of <paramref name="resourceName"/>; nothing is reserved by it, so nothing is undone.</summary>
    public static RpcException ToPreferredAllocationRpcException(Exception error, string resourceName) => error switch
    {
        RpcException rpc => rpc,
        VfAllocationException v =>
            new RpcException(new Status(StatusCode.FailedPrecondition, $"cannot read where the tokens of {resourceName} can land: {v.Message}")),
        NodeUnavailableException n => new RpcException(new Status(StatusCode.Unavailable, n.Message)),
        OperationCanceledException => new RpcException(new Status(StatusCode.Cancelled, "the preferred allocation call was cancelled")),
        _ => new RpcException(new Status(StatusCode.Internal, $"failed to choose preferred tokens of {resourceName}: {error.Message}")),
    };
}
