using Grpc.Core;
using Orleans.Runtime;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>Maps the failures of a connection grain call to the gRPC status NSMgr sees.</summary>
public static class GrpcErrors
{
    /// <summary>The status for a failed grain call.</summary>
    /// <remarks>
    /// Allocation failures arrive already mapped: the chain's resource-pool element turns them into a
    /// <see cref="ForwarderException"/> (<c>Grains/Chain/Elements/NodeErrors</c>), so this maps only forwarder errors and
    /// the failures of the grain call itself.
    /// </remarks>
    public static RpcException ToRpcException(Exception error) => error switch
    {
        RpcException rpc => rpc,
        ForwarderException f => new RpcException(new Status(ToStatusCode(f.Code), f.Message)),
        NodeUnavailableException n => new RpcException(new Status(StatusCode.Unavailable, n.Message)),
        TimeoutException t => new RpcException(new Status(StatusCode.DeadlineExceeded, $"the connection did not complete in time: {t.Message}")),
        OperationCanceledException => new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled")),
        SiloUnavailableException s => new RpcException(new Status(StatusCode.Unavailable, s.Message)),
        _ => new RpcException(new Status(StatusCode.Internal, $"internal forwarder error: {error.Message}")),
    };

    /// <summary>The status code of a forwarder error code (the one of the same name).</summary>
    public static StatusCode ToStatusCode(ForwarderErrorCode code) => code switch
    {
        ForwarderErrorCode.InvalidArgument => StatusCode.InvalidArgument,
        ForwarderErrorCode.ResourceExhausted => StatusCode.ResourceExhausted,
        ForwarderErrorCode.Unavailable => StatusCode.Unavailable,
        ForwarderErrorCode.FailedPrecondition => StatusCode.FailedPrecondition,
        ForwarderErrorCode.NotFound => StatusCode.NotFound,
        ForwarderErrorCode.DeadlineExceeded => StatusCode.DeadlineExceeded,
        ForwarderErrorCode.Cancelled => StatusCode.Cancelled,
        ForwarderErrorCode.Unknown => StatusCode.Unknown,
        ForwarderErrorCode.AlreadyExists => StatusCode.AlreadyExists,
        ForwarderErrorCode.PermissionDenied => StatusCode.PermissionDenied,
        ForwarderErrorCode.Aborted => StatusCode.Aborted,
        ForwarderErrorCode.OutOfRange => StatusCode.OutOfRange,
        ForwarderErrorCode.Unimplemented => StatusCode.Unimplemented,
        ForwarderErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        ForwarderErrorCode.DataLoss => StatusCode.DataLoss,
        _ => StatusCode.Internal,
    };
}
